// The settings dialog: microphone, camera and (where the browser allows) speaker output.

/**
 * @typedef {{
 *   current: () => {audio?: string, video?: string},
 *   useDevice: (kind: 'audio'|'video', deviceId: string) => Promise<void>,
 *   useSpeaker: (deviceId: string) => void,
 *   onerror: (message: string) => void,
 * }} SettingsActions
 */

export class SettingsDialog {
  /** @param {SettingsActions} actions */
  constructor(actions) {
    this.actions = actions;
    this.dialog = /** @type {HTMLDialogElement} */ (document.getElementById('settings-dialog'));
    this.mic = /** @type {HTMLSelectElement} */ (document.getElementById('mic-select'));
    this.cam = /** @type {HTMLSelectElement} */ (document.getElementById('cam-select'));
    this.speaker = /** @type {HTMLSelectElement} */ (document.getElementById('speaker-select'));
    this.canPickSpeaker = 'setSinkId' in HTMLMediaElement.prototype;
    this.speaker.hidden = !this.canPickSpeaker;
    /** @type {HTMLElement} */ (document.getElementById('speaker-label')).hidden = !this.canPickSpeaker;
    /** @type {HTMLElement} */ (document.getElementById('speaker-note')).hidden = this.canPickSpeaker;
    this.mic.addEventListener('change', () => this.#switch('audio', this.mic.value));
    this.cam.addEventListener('change', () => this.#switch('video', this.cam.value));
    this.speaker.addEventListener('change', () => actions.useSpeaker(this.speaker.value));
  }

  async open() {
    await this.refresh();
    this.dialog.showModal();
  }

  /** Lists the devices; labels are only known once the page has media permission. */
  async refresh() {
    const devices = navigator.mediaDevices?.enumerateDevices ? await navigator.mediaDevices.enumerateDevices() : [];
    const current = this.actions.current();
    fill(this.mic, devices.filter((d) => d.kind === 'audioinput'), current.audio, 'Microphone');
    fill(this.cam, devices.filter((d) => d.kind === 'videoinput'), current.video, 'Camera');
    if (this.canPickSpeaker) {
      fill(this.speaker, devices.filter((d) => d.kind === 'audiooutput'), this.speaker.value, 'Speaker');
    }
  }

  /** @param {'audio'|'video'} kind @param {string} deviceId */
  async #switch(kind, deviceId) {
    try {
      await this.actions.useDevice(kind, deviceId);
    } catch (error) {
      this.actions.onerror(`Could not switch ${kind === 'audio' ? 'microphone' : 'camera'}: ${error instanceof Error ? error.message : error}`);
    }
  }
}

/**
 * @param {HTMLSelectElement} select @param {MediaDeviceInfo[]} devices
 * @param {string|undefined} selected @param {string} noun
 */
function fill(select, devices, selected, noun) {
  if (!devices.length) {
    const none = document.createElement('option');
    none.textContent = `No ${noun.toLowerCase()} found`;
    none.value = '';
    select.replaceChildren(none);
    select.disabled = true;
    return;
  }
  select.disabled = false;
  select.replaceChildren(...devices.map((device, index) => {
    const option = document.createElement('option');
    option.value = device.deviceId;
    option.textContent = device.label || `${noun} ${index + 1}`;
    option.selected = device.deviceId === selected;
    return option;
  }));
}
