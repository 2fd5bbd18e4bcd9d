// Side panels (chat, participants): one open at a time; on a phone each becomes a full-screen sheet.

/** @typedef {'chat'|'people'} PanelName */

export class Panels {
  constructor() {
    /** @type {PanelName|null} */
    this.open = null;
    /** @type {(name: PanelName|null) => void} */
    this.onchange = () => {};
    for (const button of document.querySelectorAll('[data-panel]')) {
      button.addEventListener('click', () => this.toggle(/** @type {PanelName} */ (button.getAttribute('data-panel'))));
    }
    for (const button of document.querySelectorAll('[data-close-panel]')) {
      button.addEventListener('click', () => this.show(null));
    }
    // Escape closes only the top layer: an open dialog or menu first (the menu marks the key as used).
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.open && !event.defaultPrevented && !document.querySelector('dialog[open]')) {
        this.show(null);
      }
    });
  }

  /** @param {PanelName} name */
  toggle(name) {
    this.show(this.open === name ? null : name);
  }

  /** @param {PanelName|null} name */
  show(name) {
    const previous = this.open;
    this.open = name;
    for (const panelName of /** @type {PanelName[]} */ (['chat', 'people'])) {
      const on = panelName === name;
      const panel = /** @type {HTMLElement} */ (document.getElementById(`${panelName}-panel`));
      panel.hidden = !on;
      document.querySelector(`[data-panel="${panelName}"]`)?.setAttribute('aria-pressed', String(on));
    }
    document.body.classList.toggle('panel-open', !!name);
    if (name && name !== previous) {
      // Into the panel, so that the keyboard and screen readers are where the eye is (chat then takes its box).
      document.getElementById(`${name}-title`)?.focus();
    } else if (!name && previous) {
      /** @type {HTMLElement|null} */ (document.querySelector(`[data-panel="${previous}"]`))?.focus();
    }
    this.onchange(name);
  }
}
