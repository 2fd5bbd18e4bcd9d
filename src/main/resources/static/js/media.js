// Local camera and microphone, with graceful fallbacks when one is missing or refused.

/**
 * @typedef {{stream: MediaStream|null, notice: string|null}} LocalMedia
 * `notice` explains, in words for the user, what could not be had.
 */

const SD = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };
const HD = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24 } };
/** Logical cores a device needs before its camera goes HD. */
const HD_MIN_CORES = 4;

/**
 * How to capture the camera in a call mode. In the mesh every peer gets its own encoding, so the picture
 * stays at 640×480. Through the SFU a page encodes once, in simulcast layers, and only large tiles
 * (pinned, presenting, speaking) get the full picture, so it asks for 1280×720: Chrome then sends three
 * layers (1280, 640 and 320 wide) where 640×480 gives two. Those layers cost about three times the
 * pixels to encode; on 2 cores (4 pages at once, 1280×720 cameras) Chrome cut them to 960×540 at 6–14
 * fps, where 640×480 kept 14–19. So HD needs HD_MIN_CORES. A camera that cannot, keeps its largest size.
 * @param {'mesh'|'sfu'} mode
 * @returns {MediaTrackConstraints}
 */
export function cameraFor(mode) {
  return mode === 'sfu' && (navigator.hardwareConcurrency ?? 0) >= HD_MIN_CORES ? HD : SD;
}

/**
 * Asks for camera and microphone; falls back to one of them, then to none (receive-only).
 * @returns {Promise<LocalMedia>}
 */
export async function acquireLocalMedia() {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: null, notice: 'This browser cannot use a camera or microphone here (a secure https page is needed). You can still join to watch and listen.' };
  }
  // Before joining, the call's mode is not known yet: the mesh's size, the smaller.
  const attempts = [
    { constraints: { audio: true, video: SD }, missing: null },
    { constraints: { audio: true }, missing: 'camera' },
    { constraints: { video: SD }, missing: 'microphone' },
  ];
  let lastError = null;
  for (const { constraints, missing } of attempts) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      const notice = missing && lastError ? `${describe(lastError, missing)} Others will not ${missing === 'camera' ? 'see' : 'hear'} you.` : null;
      return { stream, notice };
    } catch (error) {
      lastError = error;
    }
  }
  return {
    stream: null,
    notice: `${describe(lastError, 'camera and microphone')} You can still join to watch and listen.`,
  };
}

/** @param {any} error @param {string} what */
function describe(error, what) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Access to your ${what} was denied.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found.`;
    case 'NotReadableError':
      return `Your ${what} is in use by another program.`;
    default:
      return `Your ${what} could not be started.`;
  }
}

/** Stops every track of a stream, releasing the camera light. @param {MediaStream|null} stream */
export function stopStream(stream) {
  stream?.getTracks().forEach((track) => track.stop());
}
