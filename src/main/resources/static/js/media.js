// Local camera and microphone, with graceful fallbacks when one is missing or refused.

/**
 * @typedef {{stream: MediaStream|null, notice: string|null}} LocalMedia
 * `notice` explains, in words for the user, what could not be had.
 */

const VIDEO = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };

/**
 * Asks for camera and microphone; falls back to one of them, then to none (receive-only).
 * @returns {Promise<LocalMedia>}
 */
export async function acquireLocalMedia() {
  if (!navigator.mediaDevices?.getUserMedia) {
    return { stream: null, notice: 'This browser cannot use a camera or microphone here (a secure https page is needed). You can still join to watch and listen.' };
  }
  const attempts = [
    { constraints: { audio: true, video: VIDEO }, missing: null },
    { constraints: { audio: true }, missing: 'camera' },
    { constraints: { video: VIDEO }, missing: 'microphone' },
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
