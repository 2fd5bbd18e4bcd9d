// The reaction menu: a button opens a row of emoji, and choosing one sends it. Escape or a click
// elsewhere closes it, as in Meet.

/**
 * Fills the menu and wires its button.
 * @param {HTMLButtonElement} toggle the button that opens the menu
 * @param {HTMLElement} menu
 * @param {readonly string[]} reactions
 * @param {(emoji: string) => void} react
 */
export function setupReactionMenu(toggle, menu, reactions, react) {
  menu.replaceChildren(...reactions.map((emoji) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'reaction-choice';
    b.textContent = emoji;
    b.setAttribute('aria-label', `React with ${emoji}`);
    b.addEventListener('click', () => react(emoji));
    return b;
  }));
  const showMenu = (/** @type {boolean} */ open) => {
    menu.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => showMenu(menu.hidden));
  // Capturing, so that this runs before the side panels' Escape, which then leaves an open panel alone.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !menu.hidden) {
      event.preventDefault();
      showMenu(false);
      toggle.focus();
    }
  }, { capture: true });
  document.addEventListener('click', (event) => {
    if (!menu.hidden && !(/** @type {Element} */ (event.target)).closest('.reactions')) showMenu(false);
  });
}
