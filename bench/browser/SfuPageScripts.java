package dev.parley.e2e;

/**
 * The JavaScript that {@link SfuBench} runs in its pages through WebDriver: what each page measures about
 * itself (join timeline, decoded frames, encoder and receiver stats), kept apart from the Java that
 * drives the run.
 */
final class SfuPageScripts {
    /** Counts, per page, the remote video tracks that have decoded a frame; notes when it reached {@code want}. */
    static final String WATCH = """
        const want = arguments[0];
        window.__seen = {t0: performance.now(), at: null, clicked: null};
        // The page's own time of the click on "Join now": the harness's clicks on several loaded browsers
        // land seconds apart, and that is not the product's time.
        document.addEventListener('click', e => {
          if (e.target.closest && e.target.closest('#join-now')) window.__seen.clicked = Date.now();
        }, true);
        // Seen means shown: a decoded frame in every other person's tile. Reading the video elements is
        // cheap; getStats on every connection 20 times a second slowed the very joins it timed.
        // A timeline of the join (epoch ms): signaling messages, SDP steps, connection states, tiles shown.
        const trace = window.__trace = [];
        const mark = (what) => trace.push([Date.now(), what]);
        const serial = new WeakMap();
        let pcCount = 0;
        const P = RTCPeerConnection.prototype;
        for (const name of ['setLocalDescription', 'setRemoteDescription']) {
          const original = P[name];
          P[name] = async function (...args) {
            if (!serial.has(this)) {
              serial.set(this, 'pc' + ++pcCount);
              // A received track unmutes when its first packets arrive; the page shows it from then on.
              this.addEventListener('track', ({track, transceiver}) => {
                const tag = serial.get(this) + ' mid ' + transceiver.mid + ' ' + track.kind;
                if (track.muted) track.addEventListener('unmute', () => mark(tag + ' unmuted'), {once: true});
                else mark(tag + ' arrived unmuted');
              });
              this.addEventListener('connectionstatechange', () => mark(serial.get(this) + ' ' + this.connectionState));
              this.addEventListener('icegatheringstatechange', () => mark(serial.get(this) + ' gathering ' + this.iceGatheringState));
            }
            const tag = serial.get(this) + ' ' + name + ' ' + (args[0]?.type ?? '(implicit)');
            mark(tag + ' …');
            try { return await original.apply(this, args); } finally { mark(tag + ' done'); }
          };
        }
        // The page may have opened its socket before this script ran: wrap what it does with it later.
        const S = WebSocket.prototype;
        const send = S.send;
        S.send = function (data) { try { mark('out ' + JSON.parse(data).type); } catch { /* not JSON */ } return send.call(this, data); };
        const onmessage = Object.getOwnPropertyDescriptor(S, 'onmessage');
        Object.defineProperty(S, 'onmessage', {
          configurable: true,
          get() { return onmessage.get.call(this); },
          set(handler) {
            onmessage.set.call(this, handler && ((e) => {
              try { mark('in ' + JSON.parse(e.data).type); } catch { mark('in (not JSON)'); }
              return handler.call(this, e);
            }));
          },
        });
        // Main-thread tasks over 50 ms, with their start.
        new PerformanceObserver((list) => list.getEntries().forEach((e) =>
          trace.push([performance.timeOrigin + e.startTime, 'long task, ' + Math.round(e.duration) + ' ms'])))
          .observe({type: 'longtask'});
        new PerformanceObserver((list) => list.getEntries().forEach((e) =>
          trace.push([performance.timeOrigin + e.startTime, 'mark ' + e.name]))).observe({type: 'mark'});
        const shownOnce = new Set();
        const tick = () => {
          const videos = Array.from(document.querySelectorAll('.tile[data-participant]:not(.tile-local) video'))
            .filter(v => v.readyState >= 2 && v.videoWidth > 0);
          videos.forEach(v => {
            const who = v.closest('.tile').dataset.participant;
            if (!shownOnce.has(who)) { shownOnce.add(who); mark('tile shows ' + who.slice(0, 6)); }
          });
          const shown = videos.length;
          if (shown >= want) { window.__seen.at = performance.timeOrigin + performance.now(); return; }
          setTimeout(tick, 50);
        };
        tick();
        """;
    /**
     * Starts the page's own steady-state window: decoded frames per remote video, read at the start and at the
     * end of {@code arguments[0]} ms of page time. Every page runs its window at once, so the WebDriver round
     * trips (seconds each on a loaded machine) are not counted in anyone's window. Each value: frames, the
     * window by the page's clock, and the window by the stats reports' timestamps (a cross-check).
     */
    static final String FPS_START = """
        const ms = arguments[0];
        const snap = async () => {
          // Keyed by connection too: a mesh connection made again can carry a track id seen before.
          const serial = window.__pcSerial ??= new WeakMap();
          const pcs = (window.__pcs || []).filter(pc => pc.connectionState !== 'closed');
          pcs.forEach(pc => serial.has(pc) || serial.set(pc, window.__pcCount = (window.__pcCount || 0) + 1));
          const reports = await Promise.all(pcs.map(pc => pc.getStats().then(r => [serial.get(pc), r])));
          const f = {};
          reports.forEach(([n, r]) => r.forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'video') f[n + '/' + s.trackIdentifier] = [s.framesDecoded || 0, s.timestamp, s.keyFramesDecoded || 0, s.pliCount || 0, s.nackCount || 0, s.framesDropped || 0]; }));
          // What the page's own video encoders were asked for and did: PLIs and FIRs received, key frames
          // encoded, resolution changes for CPU or bandwidth.
          const o = [0, 0, 0, 0, 0, 0, 0, 0, 0];
          // The camera's sending connection at this moment: what its encoder aims at, and what the
          // congestion controller thinks the path can take (both bits/s).
          let target = 0, estimate = 0;
          reports.forEach(([, r]) => r.forEach(s => {
            if (s.type === 'outbound-rtp' && s.kind === 'video') {
              target += s.targetBitrate || 0;
              r.forEach(c => { if (c.type === 'candidate-pair' && c.nominated && c.availableOutgoingBitrate) estimate = Math.max(estimate, c.availableOutgoingBitrate); });
            }
            if (s.type === 'outbound-rtp' && s.kind === 'video') {
              o[0] += s.pliCount || 0; o[1] += s.firCount || 0; o[2] += s.keyFramesEncoded || 0;
              o[3] += s.qualityLimitationResolutionChanges || 0;
              // Frames encoded, and seconds the encoder was held back by the CPU or by the bandwidth.
              o[4] += s.framesEncoded || 0; o[5] += s.qualityLimitationDurations?.cpu || 0;
              o[6] += s.qualityLimitationDurations?.bandwidth || 0;
              o[8] += s.bytesSent || 0;
            }
            if (s.type === 'media-source' && s.kind === 'video') o[7] += s.frames || 0; // frames the camera gave
          }));
          return {t: performance.now(), f, o, target, estimate};
        };
        // Speaker highlight moves during the window (each may change which simulcast layer a page asks for).
        let moves = 0;
        const watcher = new MutationObserver(list => list.forEach(m => {
          if (m.target.classList.contains('speaking') !== (m.oldValue || '').split(' ').includes('speaking')) moves++;
        }));
        watcher.observe(document.getElementById('grid') || document.body, {subtree: true, attributeFilter: ['class'], attributeOldValue: true});
        window.__fps = (async () => {
          const a = await snap();
          moves = 0;
          await new Promise(r => setTimeout(r, ms));
          const b = await snap();
          watcher.disconnect();
          const videos = Object.keys(b.f).map(k => {
            const was = a.f[k] || [0, null, 0, 0, 0, 0];
            const now = b.f[k];
            return [now[0] - was[0], b.t - a.t, was[1] === null ? b.t - a.t : now[1] - was[1],
                    now[2] - was[2], now[3] - was[3], now[4] - was[4], now[5] - was[5]];
          });
          return {videos, moves, sent: b.o.map((v, i) => v - a.o[i]), target: b.target, estimate: b.estimate, seconds: (b.t - a.t) / 1000};
        })();
        """;
    static final String FPS_COLLECT = """
        const done = arguments[arguments.length - 1];
        window.__fps.then(done, e => done(String(e)));
        """;

    // -Dbench.audio=false (a diagnostic): every page is a person without a microphone, so nobody sends or plays
    // audio, and the run shows what the video alone costs.
    static final String NO_MICROPHONE = """
        const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = (constraints) => constraints?.audio
            ? Promise.reject(new DOMException('no microphone in this run', 'NotFoundError')) : open(constraints);
        """;

    private SfuPageScripts() {}
}
