/*! Huddle Express for the browser: the ZEGO Express Web API over a Huddle room service.
 *
 * One WebSocket to the room service (Huddle's protocol, docs/protocol.md) and the browser's own
 * WebRTC. Plain ES2020, no dependencies. Globals: ZegoExpressEngine (also HuddleExpressEngine),
 * ZegoLocalStream, ZegoStreamView, HuddleError. Guide: docs/web.md.
 */
(function (root) {
  'use strict';

  // BEGIN GENERATED ERROR CODES: python -m app.protocol --js --write web/sdk/huddle-express.js
  const ERROR_TABLE = [
    [0, "OK", "Success."],
    [1001, "NOT_JSON", "The frame is not valid JSON."],
    [1002, "BAD_MESSAGE", "The message does not match the protocol schema."],
    [1003, "UNKNOWN_TYPE", "The message type is not one the service knows."],
    [1004, "FRAME_TOO_LARGE", "The frame is larger than 64 KB."],
    [1005, "NOT_LOGGED_IN", "Log in to a room before sending this request."],
    [1006, "ALREADY_LOGGED_IN", "This connection is already logged in to a room."],
    [1007, "UNSUPPORTED_VERSION", "The client speaks a protocol version the service does not."],
    [1008, "RATE_LIMITED", "Too many messages in a short time; this one was dropped."],
    [1009, "FLOODING", "The connection sent too many bad or excess frames and was closed."],
    [1010, "INTERNAL_ERROR", "The service failed to handle the request."],
    [1011, "HEARTBEAT_TIMEOUT", "No heartbeat arrived in time; the session was dropped."],
    [1012, "SERVER_SHUTTING_DOWN", "The room service is shutting down."],
    [1013, "SEND_QUEUE_FULL", "The client read too slowly and fell too far behind."],
    [1014, "ORIGIN_NOT_ALLOWED", "Web pages from this origin may not connect to the room service (its operator can allow it with --allow-origin)."],
    [1015, "LOGIN_TIMEOUT", "The connection did not log in to a room in time and was closed."],
    [1016, "TOO_MANY_CONNECTIONS", "The room service has too many connections open, in total or from this address; try again later."],
    [1101, "ROOM_ID_INVALID", "The room ID must be 1 to 128 bytes of letters, digits and ~!@#$%^&*()_+=-`;',.<>/\\."],
    [1102, "USER_ID_INVALID", "The user ID must be 1 to 64 bytes of letters, digits and ~!@#$%^&*()_+=-`;',.<>/\\."],
    [1103, "USER_NAME_INVALID", "The user name must be at most 256 bytes of UTF-8 with no control characters."],
    [1104, "STREAM_ID_INVALID", "The stream ID must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -."],
    [1105, "MESSAGE_INVALID", "A message must be 1 to 1024 bytes of UTF-8."],
    [1106, "EXTRA_INFO_INVALID", "Stream extra info must be at most 1024 bytes of UTF-8."],
    [1107, "APP_ID_MISMATCH", "The app ID is not the one this service serves."],
    [1108, "RECIPIENTS_INVALID", "A custom command names at most 100 valid user IDs."],
    [2001, "TOKEN_MALFORMED", "The token is not a well-formed Huddle token."],
    [2002, "TOKEN_BAD_SIGNATURE", "The token's signature does not match this service's secret."],
    [2003, "TOKEN_EXPIRED", "The token has expired."],
    [2004, "TOKEN_APP_ID_MISMATCH", "The token was issued for another app ID."],
    [2005, "TOKEN_USER_ID_MISMATCH", "The token was issued for another user ID."],
    [2006, "TOKEN_ROOM_MISMATCH", "The token was issued for another room."],
    [2007, "TOKEN_NO_LOGIN_PRIVILEGE", "The token does not grant the right to log in."],
    [2008, "TOKEN_NO_PUBLISH_PRIVILEGE", "The token does not grant the right to publish streams."],
    [2009, "TOKEN_NOT_YET_VALID", "The token's issue time is in the future."],
    [2010, "TOKEN_LIFETIME_TOO_LONG", "The token lives longer than this service allows (24 hours unless its operator changed it); mint one with a shorter lifetime."],
    [2011, "TOKEN_ALREADY_USED", "The token was already used to log in, and this service accepts each token once."],
    [3001, "KICKED_DUPLICATE_LOGIN", "The same user ID logged in elsewhere; this session was closed."],
    [3002, "ROOM_FULL", "The room has reached its user limit."],
    [3003, "KICKED_BY_SERVER", "The room service closed this session."],
    [3004, "TOO_MANY_PLAYS_HELD", "A login may re-announce at most 64 play sessions (see docs/protocol.md, resuming)."],
    [4001, "STREAM_ID_TAKEN", "Another user is already publishing a stream with this ID."],
    [4002, "STREAM_NOT_FOUND", "No stream with this ID is being published in this room."],
    [4003, "NOT_STREAM_OWNER", "Only the publisher of a stream can change or stop it."],
    [4004, "TOO_MANY_STREAMS", "A user can publish at most 8 streams at once."],
    [4005, "PUBLISH_FAILED", "The stream could not be published."],
    [4006, "NOT_PUBLISHING", "No stream with this ID is being published by this engine."],
    [5001, "PLAY_SESSION_NOT_FOUND", "The play session does not exist or has ended."],
    [5002, "PLAY_FAILED", "The stream could not be played."],
    [5003, "PUBLISHER_LEFT", "The publisher stopped the stream or left the room."],
    [5004, "PLAY_STOPPED", "The player stopped playing the stream."],
    [5005, "NOT_PLAYING", "No stream with this ID is being played by this engine."],
    [6001, "MEDIA_SERVER_UNAVAILABLE", "The room's media server (Janus) cannot be reached; media cannot flow until it is back."],
    [6002, "MEDIA_SERVER_TIMEOUT", "The media server (Janus) did not answer in time."],
    [6003, "MEDIA_SERVER_REFUSED", "The media server (Janus) refused the media session."],
    [6004, "MEDIA_SERVER_HANGUP", "The media server (Janus) closed the media connection."],
    [6005, "MEDIA_PUBLISHER_NOT_READY", "The publisher's media did not reach the media server in time."],
    [7001, "DEVICE_NOT_FOUND", "The requested device does not exist."],
    [7002, "DEVICE_BUSY", "The device is in use by another program."],
    [7003, "DEVICE_ERROR", "The device failed while capturing or playing."],
    [7004, "NO_CAMERA", "No camera is available; video is off."],
    [7005, "NO_MICROPHONE", "No microphone is available; audio is off."],
    [7006, "NO_SPEAKER", "No speaker is available; remote audio is not played."],
    [7007, "SCREEN_CAPTURE_UNAVAILABLE", "Screen capture needs a graphical display."],
    [7008, "MEDIA_FILE_ERROR", "The media file could not be opened or decoded."],
    [7009, "CODEC_UNSUPPORTED", "The video codec is not available on this machine."],
    [7010, "AUDIO_PROCESSING_UNAVAILABLE", "Echo cancellation and noise suppression are not available (the livekit package is missing); the microphone is sent unprocessed."],
    [7020, "PERMISSION_DENIED", "The browser or the user refused access to the camera or microphone."],
    [7021, "AUTOPLAY_BLOCKED", "The browser blocked sound and video until the user clicks on the page."],
    [7030, "RECORDING_FAILED", "The recording could not be written to its file."],
    [7031, "DIAGNOSTICS_FAILED", "The diagnostics file could not be written."],
    [8001, "SERVER_UNREACHABLE", "The room service could not be reached."],
    [8002, "REQUEST_TIMEOUT", "The room service did not answer in time."],
    [8003, "CONNECTION_LOST", "The connection to the room service was lost."],
    [8004, "RECONNECT_TIMEOUT", "Reconnecting to the room service took too long; gave up."],
    [8005, "PEER_CONNECTION_FAILED", "The media connection to the other user failed."],
    [8006, "ENGINE_DESTROYED", "The engine has been destroyed."],
    [8007, "INVALID_STATE", "The call is not allowed in the current state."],
    [8008, "INVALID_ARGUMENT", "An argument is out of range or of the wrong kind."],
    [8010, "LOCAL_SERVICE_UNPROVEN", "The program on this computer's room service port could not prove it is your Huddle room service, so nothing was sent to it."],
    [8011, "TLS_CERTIFICATE_INVALID", "The room service's TLS certificate could not be verified; give the CA file that signed it."],
    [8020, "BROWSER_UNSUPPORTED", "This browser lacks WebRTC or WebSockets."],
    [8021, "INSECURE_CONTEXT", "Camera and microphone need a secure page: https://, or http://localhost or 127.0.0.1."],
    [8022, "DEV_TOKENS_DISABLED", "This room service does not mint tokens for browsers; get one from the app's backend."],
    [8023, "DEV_TOKEN_REFUSED", "Development tokens are given only to same-origin requests for this service's own host."],
    [8030, "JOIN_LINK_INVALID", "The link is not a Huddle join link (huddle://join?room=ROOM&server=ws://HOST:PORT/ws)."],
  ];
  // END GENERATED ERROR CODES

  const ErrorCode = {};
  const ERROR_NAMES = {};
  const ERROR_MESSAGES = {};
  for (const [code, name, message] of ERROR_TABLE) {
    ErrorCode[name] = code;
    ERROR_NAMES[code] = name;
    ERROR_MESSAGES[code] = message;
  }
  Object.freeze(ErrorCode);

  /** A numbered failure: `code` and `errorName` from Huddle's one table, `msg` a sentence. */
  class HuddleError extends Error {
    constructor(code, msg) {
      const name = ERROR_NAMES[code] || 'INTERNAL_ERROR';
      const sentence = msg || ERROR_MESSAGES[code] || '';
      super(`${name} (${code}): ${sentence}`);
      this.name = 'HuddleError';
      this.code = code;
      this.errorName = name;
      this.msg = sentence;
    }
  }

  const PROTOCOL_VERSION = 1;
  const QUALITY_INTERVAL_MS = 3000;
  const RTT_CHANNEL = 'huddle-rtt';
  const RETRY_DELAYS_MS = [500, 1000, 2000, 4000];
  const GATHER_WAIT_MS = 1000;
  // The seed's videoQuality presets (1-3); 4 means "use width/height/frameRate/bitrate".
  const VIDEO_PRESETS = {
    1: { width: 320, height: 240, frameRate: 15, bitrate: 300 },
    2: { width: 640, height: 480, frameRate: 30, bitrate: 800 },
    3: { width: 1280, height: 720, frameRate: 30, bitrate: 1500 },
  };
  // Quality levels, as app/engine/quality.py: [level, max loss, max rtt ms, max jitter ms].
  const LEVELS = [[0, 0.01, 100, 20], [1, 0.03, 200, 40], [2, 0.08, 400, 80], [3, 0.2, 800, 150]];
  // Login refusals that retrying cannot fix: tokens, identifiers, a full room.
  const FINAL_CODES = new Set([1007, 1101, 1102, 1103, 1107, 3002]);

  function isFinal(code) {
    return FINAL_CODES.has(code) || (code >= 2001 && code <= 2099);
  }

  function grade(loss, rtt, jitter) {
    if (loss == null && rtt == null && jitter == null) return -1;
    for (const [level, l, r, j] of LEVELS) {
      if ((loss == null || loss < l) && (rtt == null || rtt < r) && (jitter == null || jitter < j)) {
        return level;
      }
    }
    return 4;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function toError(err, fallback) {
    if (err instanceof HuddleError) return err;
    const name = err && err.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return new HuddleError(ErrorCode.PERMISSION_DENIED, String(err.message || ''));
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError') {
      return new HuddleError(ErrorCode.DEVICE_NOT_FOUND, String(err.message || err.constraint || ''));
    }
    if (name === 'NotReadableError' || name === 'AbortError') {
      return new HuddleError(ErrorCode.DEVICE_BUSY, String(err.message || ''));
    }
    return new HuddleError(fallback, err && err.message ? String(err.message) : undefined);
  }

  function wsUrl(server) {
    const here = root.location;
    if (!server) {
      return `${here.protocol === 'https:' ? 'wss:' : 'ws:'}//${here.host}/ws`;
    }
    if (/^https?:/i.test(server)) return server.replace(/^http/i, 'ws');
    return server;
  }

  function userOut(u) {
    return { userID: u.user_id, userName: u.user_name || '' };
  }

  function streamOut(s) {
    return { streamID: s.stream_id, user: userOut(s.user), extraInfo: s.extra_info || '' };
  }

  function chatOut(c) {
    return {
      messageID: c.message_id,
      fromUser: userOut(c.from_user),
      message: c.message,
      sendTime: c.send_time,
    };
  }

  /** on/off/emit; a handler that throws is logged and the others still run. */
  class Emitter {
    constructor() {
      this._handlers = new Map();
    }

    on(event, handler) {
      if (typeof handler !== 'function') return false;
      if (!this._handlers.has(event)) this._handlers.set(event, new Set());
      this._handlers.get(event).add(handler);
      return true;
    }

    off(event, handler) {
      const set = this._handlers.get(event);
      if (!set) return false;
      if (handler) set.delete(handler);
      else set.clear();
      return true;
    }

    _emit(event, ...args) {
      for (const handler of [...(this._handlers.get(event) || [])]) {
        try {
          const result = handler(...args);
          if (result && typeof result.catch === 'function') {
            result.catch((e) => console.error(`[huddle] ${event} handler failed`, e));
          }
        } catch (e) {
          console.error(`[huddle] ${event} handler failed`, e);
        }
      }
    }
  }

  // ------------------------------------------------------------------ views and the prompt

  function resolveElement(target) {
    const el = typeof target === 'string' ? document.getElementById(target) : target;
    if (!el || !el.nodeType) {
      throw new HuddleError(ErrorCode.INVALID_ARGUMENT, `No element ${JSON.stringify(target)}.`);
    }
    return el;
  }

  /** The seed's autoplay prompt: one overlay and button per page, resuming every blocked view. */
  const Autoplay = {
    blocked: new Set(),
    overlay: null,

    block(view) {
      this.blocked.add(view);
      if (this.overlay) return;
      const overlay = document.createElement('div');
      overlay.className = 'huddle-autoplay';
      overlay.setAttribute('role', 'dialog');
      Object.assign(overlay.style, {
        position: 'fixed', inset: '0', display: 'flex', alignItems: 'center',
        justifyContent: 'center', background: 'rgba(0,0,0,0.55)', zIndex: '2147483000',
      });
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'huddle-autoplay-button';
      button.textContent = 'The browser paused sound and video. Click to resume.';
      Object.assign(button.style, {
        font: '16px system-ui, sans-serif', padding: '14px 22px', borderRadius: '8px',
        border: '0', background: '#2563eb', color: '#fff', cursor: 'pointer',
      });
      button.addEventListener('click', () => this.resumeAll());
      overlay.appendChild(button);
      document.body.appendChild(overlay);
      this.overlay = overlay;
    },

    resumeAll() {
      const views = [...this.blocked];
      this.blocked.clear();
      if (this.overlay) this.overlay.remove();
      this.overlay = null;
      for (const view of views) view.resume();
    },
  };

  /** Plays a MediaStream into a container (the seed's ZegoStreamView). */
  class ZegoStreamView extends Emitter {
    constructor(stream, { local = false, engine = null } = {}) {
      super();
      this.stream = stream;
      this._local = local;
      this._engine = engine;
      this._video = null;
      this._audio = null;
      this._container = null;
      this._options = {};
    }

    /** Plays video and audio into `elementOrId` (a container or a <video>). Resolves once
     * playing, or when blocked (then `autoplayFailed` fires and, unless
     * `enableAutoplayDialog` is false, a prompt asks for a click). */
    play(elementOrId, options = {}) {
      this._options = { enableAutoplayDialog: true, objectFit: 'cover', mirror: false, ...options };
      const target = resolveElement(elementOrId);
      let video = target.tagName === 'VIDEO' ? target : null;
      // A view plays in one place: playing it elsewhere moves it.
      if (this._video && this._video !== video && this._video.parentNode !== target) {
        this._video.srcObject = null;
        if (this._video !== this._container) this._video.remove();
        this._video = null;
      }
      if (!video) {
        video = document.createElement('video');
        Object.assign(video.style, { width: '100%', height: '100%', display: 'block' });
        if (this._video && this._video.parentNode === target) this._video.remove();
        target.appendChild(video);
      }
      video.style.objectFit = this._options.objectFit;
      video.style.transform = this._options.mirror ? 'scaleX(-1)' : '';
      video.autoplay = true;
      video.playsInline = true;
      video.muted = this._local || !!this._options.muted;
      video.srcObject = this.stream;
      this._container = target;
      this._video = video;
      return this._start(video);
    }

    /** Plays only the audio (a hidden <audio>); the local stream's is for a mic check. */
    playAudio(options = {}) {
      if (!this._audio) {
        this._audio = document.createElement('audio');
        this._audio.autoplay = true;
      }
      this._audio.srcObject = this.stream;
      if (options.volume != null) this._audio.volume = Math.max(0, Math.min(1, options.volume / 100));
      return this._start(this._audio);
    }

    async _start(media) {
      try {
        await media.play();
        return true;
      } catch (err) {
        if (err && err.name === 'AbortError') return false; // replaced by a newer play()
        if (err && err.name !== 'NotAllowedError') throw toError(err, ErrorCode.PLAY_FAILED);
        this._blocked = true;
        this._emit('autoplayFailed');
        if (this._engine) this._engine._emit('autoplayFailed', this);
        if (this._options.enableAutoplayDialog !== false) Autoplay.block(this);
        return false;
      }
    }

    /** Try again after a user gesture (the prompt's button calls it). */
    resume() {
      this._blocked = false;
      const playing = [this._video, this._audio].filter(Boolean).map((m) => this._start(m));
      return Promise.all(playing).then((all) => all.every(Boolean));
    }

    get blocked() {
      return !!this._blocked;
    }

    get videoElement() {
      return this._video;
    }

    stop() {
      this.stopVideo();
      this.stopAudio();
    }

    stopVideo() {
      if (this._video) {
        this._video.srcObject = null;
        if (this._video !== this._container) this._video.remove();
      }
      this._video = null;
      Autoplay.blocked.delete(this);
    }

    stopAudio() {
      if (this._audio) this._audio.srcObject = null;
      this._audio = null;
    }

    /** Route this view's sound to a speaker (`setSinkId`). */
    async useAudioOutputDevice(deviceID) {
      const media = [this._video, this._audio].filter(Boolean);
      if (!media.length || typeof media[0].setSinkId !== 'function') return false;
      for (const m of media) await m.setSinkId(deviceID);
      return true;
    }

    setVolume(volume) {
      for (const m of [this._video, this._audio]) {
        if (m) m.volume = Math.max(0, Math.min(1, volume / 100));
      }
      return true;
    }
  }

  /** A local capture (the seed's ZegoLocalStream): `stream` is its MediaStream. */
  class ZegoLocalStream extends ZegoStreamView {
    constructor(stream, config, engine) {
      super(stream, { local: true, engine });
      this.config = config;
      this.videoMuted = false;
      this.audioMuted = false;
      this.destroyed = false;
    }

    /** Preview the camera into `elementOrId` (always muted: no echo). */
    playVideo(elementOrId, options = {}) {
      return this.play(elementOrId, { mirror: false, ...options, muted: true });
    }

    get videoTrack() {
      return this.stream.getVideoTracks()[0] || null;
    }

    get audioTrack() {
      return this.stream.getAudioTracks()[0] || null;
    }

    _setTrack(kind, track) {
      const old = kind === 'video' ? this.videoTrack : this.audioTrack;
      if (old) {
        this.stream.removeTrack(old);
        old.stop();
      }
      track.enabled = !(kind === 'video' ? this.videoMuted : this.audioMuted);
      this.stream.addTrack(track);
      if (this._video) this._video.srcObject = this.stream;
    }

    _destroy() {
      this.stop();
      for (const track of this.stream.getTracks()) track.stop();
      this.destroyed = true;
    }
  }

  // ------------------------------------------------------------------ the socket

  /** One WebSocket: requests with ids and their replies, events to `onEvent`. */
  class Connection {
    constructor(url, onEvent, onClose, timeoutMs) {
      this.url = url;
      this._onEvent = onEvent;
      this._onClose = onClose;
      this._timeoutMs = timeoutMs;
      this._pending = new Map();
      this._nextId = 1;
      this._ws = null;
      this.closed = false;
    }

    open() {
      return new Promise((resolve, reject) => {
        let ws;
        try {
          ws = new WebSocket(this.url);
        } catch (err) {
          reject(new HuddleError(ErrorCode.SERVER_UNREACHABLE, String(err.message || err)));
          return;
        }
        this._ws = ws;
        let opened = false;
        const timer = setTimeout(() => ws.close(), this._timeoutMs);
        ws.onopen = () => {
          opened = true;
          clearTimeout(timer);
          resolve();
        };
        ws.onmessage = (e) => this._receive(e.data);
        ws.onclose = (e) => {
          clearTimeout(timer);
          const lost = new HuddleError(ErrorCode.CONNECTION_LOST, `closed ${e.code} ${e.reason}`);
          for (const { reject: fail, timer: t } of this._pending.values()) {
            clearTimeout(t);
            fail(lost);
          }
          this._pending.clear();
          if (!opened) {
            reject(new HuddleError(ErrorCode.SERVER_UNREACHABLE, `Could not reach ${this.url}.`));
          } else if (!this.closed) {
            this.closed = true;
            this._onClose(e.code, e.reason);
          }
        };
      });
    }

    _receive(data) {
      let msg;
      try {
        msg = JSON.parse(data);
      } catch (err) {
        return;
      }
      if (msg.id != null && this._pending.has(msg.id)) {
        const { resolve, reject, timer } = this._pending.get(msg.id);
        this._pending.delete(msg.id);
        clearTimeout(timer);
        if (msg.type === 'error') reject(new HuddleError(msg.code, msg.message));
        else resolve(msg);
        return;
      }
      this._onEvent(msg);
    }

    request(msg) {
      return new Promise((resolve, reject) => {
        if (!this._ws || this._ws.readyState !== 1) {
          reject(new HuddleError(ErrorCode.CONNECTION_LOST));
          return;
        }
        const id = this._nextId++;
        const timer = setTimeout(() => {
          this._pending.delete(id);
          reject(new HuddleError(ErrorCode.REQUEST_TIMEOUT, `No answer to ${msg.type}.`));
        }, this._timeoutMs);
        this._pending.set(id, { resolve, reject, timer });
        this._ws.send(JSON.stringify({ ...msg, id }));
      });
    }

    /** Close without reporting a loss (logout, destroy, a dead socket we replace). */
    close(code = 1000) {
      this.closed = true;
      if (this._ws && this._ws.readyState <= 1) this._ws.close(code);
    }
  }

  // ------------------------------------------------------------------ media sessions

  /** One peer connection of one play session, whichever end offers. All of the browser's
   * WebRTC signalling is here: a publisher offers on `play_request` (today's peer-to-peer
   * rule) and a player answers any offer; a session that receives an offer answers it and one
   * that is asked to offer offers, so a server in the middle can take either side. */
  class MediaSession {
    constructor(engine, sessionId, { send = null, onTrack = null, onFailed = null, tag = '', rtt = true }) {
      this.engine = engine;
      this.id = sessionId;
      this.send = send; // a ZegoLocalStream to send, or null (receive only)
      this._rtt = rtt; // an SFU does not echo the RTT channel's pings
      this.tag = tag;
      this._onTrack = onTrack;
      this._onFailed = onFailed;
      this._pendingCandidates = [];
      this._closed = false;
      this.pc = new RTCPeerConnection({ iceServers: engine._iceServers() });
      this.pc.onicecandidate = (e) => this._localCandidate(e.candidate);
      this.pc.ontrack = (e) => this._onTrack && this._onTrack(e.track, e);
      this.pc.ondatachannel = (e) => this._channel(e.channel);
      this.pc.onconnectionstatechange = () => {
        const state = this.pc.connectionState;
        engine._debug(`session ${this.id} (${this.tag}): ${state}`);
        if (state === 'failed' && !this._closed && this._onFailed) this._onFailed(this);
      };
      this.rtt = null;
    }

    /** Add the local tracks and send an offer. */
    async offer() {
      const local = this.send;
      const options = local ? local._publishOptions || {} : {};
      if (local) {
        for (const track of local.stream.getTracks()) {
          const transceiver = this.pc.addTransceiver(track, {
            direction: 'sendonly',
            streams: [local.stream],
          });
          if (track.kind === 'video') this._tuneVideo(transceiver, options);
        }
        if (this._rtt) {
          const channel = this.pc.createDataChannel(RTT_CHANNEL, { ordered: false, maxRetransmits: 0 });
          this._channel(channel);
        }
      }
      await this.pc.setLocalDescription(await this.pc.createOffer());
      await this._gathered();
      this._described = true;
      await this.engine._signal(this.id, 'offer', { sdp: this.pc.localDescription.sdp });
    }

    /** Wait (briefly) for ICE gathering, so the description carries the candidates: a peer
     * that does not trickle (aiortc) can start its checks at once. Candidates found later
     * still trickle. */
    _gathered() {
      const pc = this.pc;
      if (pc.iceGatheringState === 'complete') return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pc.removeEventListener('icegatheringstatechange', check);
          resolve();
        };
        const check = () => pc.iceGatheringState === 'complete' && done();
        const timer = setTimeout(done, GATHER_WAIT_MS);
        pc.addEventListener('icegatheringstatechange', check);
      });
    }

    _tuneVideo(transceiver, options) {
      const codec = (options.videoCodec || 'VP8').toUpperCase();
      if (typeof transceiver.setCodecPreferences === 'function' && root.RTCRtpSender.getCapabilities) {
        const all = RTCRtpSender.getCapabilities('video').codecs;
        const first = all.filter((c) => c.mimeType.toUpperCase() === `VIDEO/${codec}`);
        const rest = all.filter((c) => c.mimeType.toUpperCase() !== `VIDEO/${codec}`);
        if (first.length) transceiver.setCodecPreferences([...first, ...rest]);
      }
      const params = transceiver.sender.getParameters();
      params.encodings = params.encodings && params.encodings.length ? params.encodings : [{}];
      const kbps = options.bitrate;
      if (kbps) params.encodings[0].maxBitrate = kbps * 1000;
      // A call is about faces: keep the size and give up frames first when starved.
      params.degradationPreference = 'maintain-resolution';
      transceiver.sender.setParameters(params).catch(() => {});
    }

    /** A signal relayed from the other end of this session. */
    async onSignal(msg) {
      const pc = this.pc;
      if (msg.kind === 'offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
        await this._flushCandidates();
        await pc.setLocalDescription(await pc.createAnswer());
        await this._gathered();
        this._described = true;
        await this.engine._signal(this.id, 'answer', { sdp: pc.localDescription.sdp });
      } else if (msg.kind === 'answer') {
        await pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
        await this._flushCandidates();
      } else if (msg.kind === 'candidate' && msg.candidate) {
        const c = msg.candidate;
        const init = { candidate: c.candidate, sdpMid: c.sdp_mid, sdpMLineIndex: c.sdp_mline_index };
        if (pc.remoteDescription) await pc.addIceCandidate(init);
        else this._pendingCandidates.push(init);
      }
      // end_of_candidates needs nothing: the browser's ICE works without it.
    }

    async _flushCandidates() {
      const waiting = this._pendingCandidates;
      this._pendingCandidates = [];
      for (const init of waiting) await this.pc.addIceCandidate(init);
    }

    _localCandidate(candidate) {
      // Until the description is sent, candidates go in it (see _gathered).
      if (this._closed || !this._described) return;
      const send = candidate && candidate.candidate
        ? this.engine._signal(this.id, 'candidate', {
          candidate: {
            candidate: candidate.candidate,
            sdp_mid: candidate.sdpMid,
            sdp_mline_index: candidate.sdpMLineIndex,
          },
        })
        : this.engine._signal(this.id, 'end_of_candidates', {});
      send.catch(() => {});
    }

    _channel(channel) {
      if (channel.label !== RTT_CHANNEL) return;
      this.channel = channel;
      channel.onmessage = (e) => {
        const text = typeof e.data === 'string' ? e.data : '';
        if (text.startsWith('ping ') && channel.readyState === 'open') {
          channel.send(`pong ${text.slice(5)}`);
        }
      };
    }

    /** Swap the track of one kind under a live connection (no renegotiation). */
    async replaceTrack(kind, track) {
      for (const sender of this.pc.getSenders()) {
        if (sender.track ? sender.track.kind === kind : false) await sender.replaceTrack(track);
      }
    }

    close() {
      if (this._closed) return;
      this._closed = true;
      if (this.channel) this.channel.onmessage = null;
      this.pc.onicecandidate = null;
      this.pc.onconnectionstatechange = null;
      this.pc.close();
    }
  }

  // ------------------------------------------------------------------ quality from getStats

  /** Turns successive getStats() reports of one stream into the seed's quality figures. */
  class QualityMeter {
    constructor() {
      this._prev = null;
    }

    _rates(totals) {
      const prev = this._prev;
      this._prev = totals;
      if (!prev) return null;
      const seconds = Math.max((totals.at - prev.at) / 1000, 0.001);
      const rate = (key) => Math.max(0, totals[key] - prev[key]) / seconds;
      const packets = Math.max(0, totals.packets - prev.packets);
      const lost = Math.max(0, totals.lost - prev.lost);
      return {
        videoKbps: (rate('videoBytes') * 8) / 1000,
        audioKbps: (rate('audioBytes') * 8) / 1000,
        fps: rate('frames'),
        transferFps: rate('framesSent'),
        loss: packets + lost ? lost / (packets + lost) : null,
        lost,
      };
    }

    static _pairRtt(report) {
      let rtt = null;
      report.forEach((s) => {
        if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime != null) {
          rtt = s.currentRoundTripTime * 1000;
        }
      });
      return rtt;
    }

    publisher(reports, localStream) {
      const t = { videoBytes: 0, audioBytes: 0, frames: 0, framesSent: 0, packets: 0, lost: 0 };
      t.at = performance.now();
      let width = 0;
      let height = 0;
      let rtt = null;
      let codec = '';
      const codecs = {};
      for (const report of reports) {
        report.forEach((s) => {
          if (s.type === 'codec') codecs[s.id] = s.mimeType.split('/')[1];
        });
        report.forEach((s) => {
          if (s.type === 'outbound-rtp') {
            const video = s.kind === 'video';
            t[video ? 'videoBytes' : 'audioBytes'] += s.bytesSent || 0;
            t.packets += s.packetsSent || 0;
            if (video) {
              t.framesSent += s.framesSent || 0;
              width = Math.max(width, s.frameWidth || 0);
              height = Math.max(height, s.frameHeight || 0);
              codec = codecs[s.codecId] || codec;
            }
          } else if (s.type === 'remote-inbound-rtp') {
            t.lost += Math.max(0, s.packetsLost || 0);
            if (s.roundTripTime != null) rtt = Math.max(rtt || 0, s.roundTripTime * 1000);
          } else if (s.type === 'media-source' && s.kind === 'video') {
            t.frames = Math.max(t.frames, s.frames || 0);
          }
        });
        const pairRtt = QualityMeter._pairRtt(report);
        if (rtt == null && pairRtt != null) rtt = pairRtt;
      }
      const settings = localStream && localStream.videoTrack ? localStream.videoTrack.getSettings() : {};
      const r = this._rates(t) || { videoKbps: 0, audioKbps: 0, fps: 0, transferFps: 0, loss: null, lost: 0 };
      const level = reports.length ? grade(r.loss, rtt, null) : -1;
      return {
        video: {
          videoBitrate: r.videoKbps,
          videoFPS: r.fps || settings.frameRate || 0,
          videoTransferFPS: r.transferFps,
          videoPacketsLost: r.lost,
          videoPacketsLostRate: r.loss || 0,
          videoQuality: level,
          frameWidth: width || settings.width || 0,
          frameHeight: height || settings.height || 0,
          googCodecName: codec,
        },
        audio: {
          audioBitrate: r.audioKbps,
          audioPacketsLost: r.lost,
          audioPacketsLostRate: r.loss || 0,
          audioQuality: level,
        },
        currentRoundTripTime: rtt,
        peers: reports.length,
      };
    }

    player(report, rttFromChannel) {
      const t = { videoBytes: 0, audioBytes: 0, frames: 0, framesSent: 0, packets: 0, lost: 0 };
      t.at = performance.now();
      let width = 0;
      let height = 0;
      let jitter = null;
      let codec = '';
      let decoded = 0;
      let dropped = 0;
      if (report) {
        const codecs = {};
        report.forEach((s) => {
          if (s.type === 'codec') codecs[s.id] = s.mimeType.split('/')[1];
        });
        report.forEach((s) => {
          if (s.type !== 'inbound-rtp') return;
          const video = s.kind === 'video';
          t[video ? 'videoBytes' : 'audioBytes'] += s.bytesReceived || 0;
          t.packets += s.packetsReceived || 0;
          t.lost += Math.max(0, s.packetsLost || 0);
          if (s.jitter != null) jitter = Math.max(jitter || 0, s.jitter * 1000);
          if (video) {
            t.frames = s.framesDecoded || 0;
            t.framesSent = s.framesReceived || 0;
            decoded = s.framesDecoded || 0;
            dropped = s.framesDropped || 0;
            width = s.frameWidth || 0;
            height = s.frameHeight || 0;
            codec = codecs[s.codecId] || '';
          }
        });
      }
      const rtt = report ? QualityMeter._pairRtt(report) : rttFromChannel;
      const r = this._rates(t) || { videoKbps: 0, audioKbps: 0, fps: 0, transferFps: 0, loss: null, lost: 0 };
      const level = report ? grade(r.loss, rtt, jitter) : -1;
      return {
        video: {
          videoBitrate: r.videoKbps,
          videoFPS: r.fps,
          videoTransferFPS: r.transferFps,
          videoPacketsLost: r.lost,
          videoPacketsLostRate: r.loss || 0,
          videoQuality: level,
          frameWidth: width,
          frameHeight: height,
          videoFramesDecoded: decoded,
          videoFramesDropped: dropped,
          googCodecName: codec,
        },
        audio: {
          audioBitrate: r.audioKbps,
          audioPacketsLost: r.lost,
          audioPacketsLostRate: r.loss || 0,
          audioQuality: level,
          audioJitter: jitter,
        },
        currentRoundTripTime: rtt,
        peers: report ? 1 : 0,
      };
    }
  }

  // ------------------------------------------------------------------ publishing and playing

  class Publication {
    constructor(engine, streamID, localStream, options) {
      this.engine = engine;
      this.streamID = streamID;
      this.local = localStream;
      this.options = options;
      this.state = 'NO_PUBLISH';
      this.sessions = new Map();
      this.meter = new QualityMeter();
    }

    async register() {
      const local = this.local;
      await this.engine._request({
        type: 'publish',
        stream_id: this.streamID,
        extra_info: this.options.extraInfo || '',
        video: !!local.videoTrack,
        audio: !!local.audioTrack,
        video_muted: local.videoMuted,
        audio_muted: local.audioMuted,
      });
    }

    /** A media session for this stream: to a player (peer to peer), or the stream's one
     * uplink to the room's SFU (`peer` "sfu", no player). */
    async addPlayer(sessionId, player, peer = 'user') {
      if (this.sessions.has(sessionId)) return;
      const sfu = peer === 'sfu';
      const session = new MediaSession(this.engine, sessionId, {
        send: this.local,
        rtt: !sfu,
        tag: `publish ${this.streamID} to ${sfu ? 'the SFU' : player.user_id}`,
        onFailed: () => this.dropPlayer(sessionId, true),
      });
      this.sessions.set(sessionId, session);
      this.local._publishOptions = this.options;
      await session.offer();
    }

    dropPlayer(sessionId, tellService) {
      const session = this.sessions.get(sessionId);
      if (!session) return;
      this.sessions.delete(sessionId);
      session.close();
      if (tellService) this.engine._request({ type: 'stop_play', session_id: sessionId }).catch(() => {});
    }

    closeSessions() {
      for (const session of this.sessions.values()) session.close();
      this.sessions.clear();
    }

    async quality() {
      const connected = [...this.sessions.values()].filter((s) => s.pc.connectionState === 'connected');
      const reports = await Promise.all(connected.map((s) => s.pc.getStats()));
      return this.meter.publisher(reports, this.local);
    }
  }

  class Playback {
    constructor(engine, streamID, options) {
      this.engine = engine;
      this.streamID = streamID;
      this.options = options;
      this.state = 'NO_PLAY';
      this.stream = new MediaStream();
      this.session = null;
      this.sessionId = null;
      this.stopped = false;
      this.failures = 0;
      this.meter = new QualityMeter();
      this._timer = null;
      this._watch = null;
      this._firstMedia = null;
    }

    /** Ask the service for the stream; the offer arrives as a signal. */
    async request() {
      this.engine._setPlayerState(this, 'PLAY_REQUESTING', 0);
      const reply = await this.engine._request({ type: 'play', stream_id: this.streamID });
      this.sessionId = reply.session_id;
      this.session = new MediaSession(this.engine, reply.session_id, {
        tag: `play ${this.streamID}`,
        onTrack: (track) => this._addTrack(track),
        onFailed: () => this.retry(ErrorCode.PEER_CONNECTION_FAILED),
      });
      this.engine._sessions.set(reply.session_id, this.session);
      clearTimeout(this._timer);
      this._timer = setTimeout(() => {
        if (this.state !== 'PLAYING' && !this.stopped) this.retry(ErrorCode.PLAY_FAILED);
      }, this.engine._config.playTimeoutMs);
      this._watchFirstMedia();
      return reply;
    }

    _addTrack(track) {
      for (const old of this.stream.getTracks()) {
        if (old.kind === track.kind) this.stream.removeTrack(old);
      }
      this.stream.addTrack(track);
    }

    /** PLAYING on the first decoded frame (or audio, for an audio-only stream). */
    _watchFirstMedia() {
      clearInterval(this._watch);
      const session = this.session;
      this._watch = setInterval(async () => {
        if (this.session !== session || this.stopped) {
          clearInterval(this._watch);
          return;
        }
        const report = await session.pc.getStats();
        let media = false;
        report.forEach((s) => {
          if (s.type === 'inbound-rtp' && (s.kind === 'video' ? s.framesDecoded > 0 : s.packetsReceived > 0 && !this.stream.getVideoTracks().length)) {
            media = true;
          }
        });
        if (media && this.session === session) {
          clearInterval(this._watch);
          clearTimeout(this._timer);
          this.failures = 0;
          this.engine._setPlayerState(this, 'PLAYING', 0);
        }
      }, 40);
    }

    async retry(code) {
      this.teardown(true);
      if (this.stopped || !this.engine._streams.has(this.streamID)) return;
      if (this.failures >= RETRY_DELAYS_MS.length) {
        this.stopped = true;
        this.engine._setPlayerState(this, 'NO_PLAY', code);
        return;
      }
      this.engine._setPlayerState(this, 'PLAY_REQUESTING', code);
      await sleep(RETRY_DELAYS_MS[this.failures++]);
      if (!this.stopped && !this.sessionId && this.engine._streams.has(this.streamID)) {
        await this.request().catch(() => this.retry(code));
      }
    }

    teardown(tellService) {
      const id = this.sessionId;
      clearTimeout(this._timer);
      clearInterval(this._watch);
      this.sessionId = null;
      if (this.session) {
        this.engine._sessions.delete(this.session.id);
        this.session.close();
      }
      this.session = null;
      if (tellService && id) this.engine._request({ type: 'stop_play', session_id: id }).catch(() => {});
    }

    async quality() {
      const s = this.session;
      const report = s && s.pc.connectionState === 'connected' ? await s.pc.getStats() : null;
      return this.meter.player(report, null);
    }
  }

  // ------------------------------------------------------------------ the engine

  const DEFAULT_CONFIG = {
    requestTimeoutMs: 10000,
    reconnectTimeoutMs: 90000,
    reconnectBackoffMs: [200, 5000],
    playTimeoutMs: 15000,
    qualityIntervalMs: QUALITY_INTERVAL_MS,
  };

  /** The seed's engine: `new ZegoExpressEngine(appID, server)`. */
  class ZegoExpressEngine extends Emitter {
    constructor(appID, server, config = {}) {
      super();
      this.appID = Number(appID);
      this.server = wsUrl(server);
      this._config = { ...DEFAULT_CONFIG, ...config };
      this._verbose = false;
      this._conn = null;
      this._room = null; // {roomID, token, user, config}
      this._roomState = 'DISCONNECTED';
      this._login = null;
      this._users = new Map();
      this._streams = new Map();
      this._publications = new Map();
      this._playbacks = new Map();
      this._sessions = new Map(); // session id -> MediaSession (players')
      this._localStreams = new Set();
      this._heartbeat = null;
      this._quality = null;
      this._soundLevel = null;
      this._signalChain = Promise.resolve();
      this._destroyed = false;
    }

    static getVersion() {
      return 'huddle-express-1.0.0';
    }

    getVersion() {
      return ZegoExpressEngine.getVersion();
    }

    /** The seed's switch for the SDK's own chatter: state changes and signalling to console. */
    setDebugVerbose(enable) {
      this._verbose = !!enable;
    }

    setLogConfig(config) {
      if (config && config.logLevel) this._verbose = config.logLevel === 'debug' || config.logLevel === 'info';
      return true;
    }

    _debug(...args) {
      if (this._verbose) console.debug('[huddle]', ...args);
    }

    _iceServers() {
      const servers = (this._login && this._login.ice_servers) || [];
      return servers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential }));
    }

    _checkAlive() {
      if (this._destroyed) throw new HuddleError(ErrorCode.ENGINE_DESTROYED);
    }

    // ------------------------------------------------------------ system and devices

    /** What this browser can do, from real probes: the seed's ZegoCapabilityDetection. */
    async checkSystemRequirements() {
      const errInfo = {};
      const webRTC = typeof root.RTCPeerConnection === 'function' && typeof root.WebSocket === 'function';
      if (!webRTC) errInfo.webRTC = ERROR_MESSAGES[ErrorCode.BROWSER_UNSUPPORTED];
      const customCapture = typeof HTMLCanvasElement !== 'undefined'
        && typeof HTMLCanvasElement.prototype.captureStream === 'function';
      const videoCodec = { H264: false, H265: false, VP8: false, VP9: false };
      if (webRTC) {
        let mimes = [];
        if (root.RTCRtpSender && RTCRtpSender.getCapabilities) {
          mimes = (RTCRtpSender.getCapabilities('video') || { codecs: [] }).codecs.map((c) => c.mimeType.toUpperCase());
        } else {
          const pc = new RTCPeerConnection();
          pc.addTransceiver('video');
          const offer = await pc.createOffer();
          pc.close();
          mimes = [...offer.sdp.matchAll(/a=rtpmap:\d+ ([\w-]+)\//g)].map((m) => `VIDEO/${m[1].toUpperCase()}`);
        }
        for (const name of Object.keys(videoCodec)) videoCodec[name] = mimes.includes(`VIDEO/${name}`);
      }
      let camera = false;
      let microphone = false;
      const media = navigator.mediaDevices;
      if (!root.isSecureContext) errInfo.camera = errInfo.microphone = ERROR_MESSAGES[ErrorCode.INSECURE_CONTEXT];
      if (media && media.enumerateDevices) {
        try {
          const devices = await media.enumerateDevices();
          camera = devices.some((d) => d.kind === 'videoinput');
          microphone = devices.some((d) => d.kind === 'audioinput');
          if (!camera && !errInfo.camera) errInfo.camera = ERROR_MESSAGES[ErrorCode.NO_CAMERA];
          if (!microphone && !errInfo.microphone) errInfo.microphone = ERROR_MESSAGES[ErrorCode.NO_MICROPHONE];
        } catch (err) {
          errInfo.camera = errInfo.microphone = String(err.message || err);
        }
      }
      const screenSharing = !!(media && typeof media.getDisplayMedia === 'function');
      if (!screenSharing) errInfo.screenSharing = ERROR_MESSAGES[ErrorCode.SCREEN_CAPTURE_UNAVAILABLE];
      return { webRTC, customCapture, camera, microphone, videoCodec, screenSharing, errInfo };
    }

    /** Cameras, microphones and speakers: `{cameras, microphones, speakers}` of
     * `{deviceID, deviceName}` (names appear once the page may use the devices). */
    async enumDevices() {
      const out = { cameras: [], microphones: [], speakers: [] };
      if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return out;
      const kinds = { videoinput: 'cameras', audioinput: 'microphones', audiooutput: 'speakers' };
      for (const d of await navigator.mediaDevices.enumerateDevices()) {
        const list = out[kinds[d.kind]];
        if (list) list.push({ deviceID: d.deviceId, deviceName: d.label || `${d.kind} ${list.length + 1}` });
      }
      return out;
    }

    async getCameras() {
      return (await this.enumDevices()).cameras;
    }

    async getMicrophones() {
      return (await this.enumDevices()).microphones;
    }

    async getSpeakers() {
      return (await this.enumDevices()).speakers;
    }

    // ------------------------------------------------------------ the room

    /** Log in; resolves `true`, or rejects with a HuddleError (and LOGIN_FAILED fires). */
    async loginRoom(roomID, token, user, config = {}) {
      this._checkAlive();
      if (this._room) throw new HuddleError(ErrorCode.ALREADY_LOGGED_IN);
      if (!user || !user.userID) throw new HuddleError(ErrorCode.USER_ID_INVALID, 'user.userID is required.');
      this._room = {
        roomID: String(roomID),
        token: String(token || ''),
        user: { userID: String(user.userID), userName: String(user.userName || '') },
        userUpdate: !!(config && config.userUpdate),
      };
      this._setRoomState('LOGINING', 0);
      try {
        await this._connect();
      } catch (err) {
        const error = toError(err, ErrorCode.SERVER_UNREACHABLE);
        const room = this._room;
        this._room = null;
        this._roomState = 'DISCONNECTED';
        this._emit('roomStateChanged', room.roomID, 'LOGIN_FAILED', error.code, JSON.stringify({ message: error.msg }));
        throw error;
      }
      this._setRoomState('LOGINED', 0);
      const users = [...this._users.values()];
      const streams = [...this._streams.values()];
      // After the caller's `then`: the seed logs in, then reacts to what is already there.
      Promise.resolve().then(() => {
        if (this._room && this._room.userUpdate && users.length) {
          this._emit('roomUserUpdate', this._room.roomID, 'ADD', users.map(userOut));
        }
        if (this._room && streams.length) {
          this._emit('roomStreamUpdate', this._room.roomID, 'ADD', streams.map(streamOut), '');
        }
      });
      return true;
    }

    async _connect() {
      const conn = new Connection(
        this.server,
        (msg) => this._onEvent(conn, msg),
        (code, reason) => this._onLost(conn, code, reason),
        this._config.requestTimeoutMs,
      );
      await conn.open();
      const room = this._room;
      if (!room) {
        conn.close();
        throw new HuddleError(ErrorCode.INVALID_STATE, 'Logged out while connecting.');
      }
      let reply;
      try {
        reply = await conn.request({
          type: 'login',
          version: PROTOCOL_VERSION,
          app_id: this.appID,
          room_id: room.roomID,
          user_id: room.user.userID,
          user_name: room.user.userName,
          token: room.token,
          user_update: room.userUpdate,
        });
      } catch (err) {
        conn.close();
        throw err;
      }
      this._conn = conn;
      this._login = reply;
      this._users = new Map(reply.users.map((u) => [u.user_id, u]));
      this._streams = new Map(reply.streams.map((s) => [s.stream_id, s]));
      this._startTimers(reply.heartbeat_interval);
      return reply;
    }

    _startTimers(heartbeatSeconds) {
      clearInterval(this._heartbeat);
      const conn = this._conn;
      this._heartbeat = setInterval(() => {
        conn.request({ type: 'heartbeat' }).catch((err) => {
          if (err.code === ErrorCode.REQUEST_TIMEOUT && this._conn === conn) {
            conn.close();
            this._onLost(conn, 4002, 'heartbeat unanswered');
          }
        });
      }, Math.max(1, heartbeatSeconds) * 1000);
      if (!this._quality) {
        this._quality = setInterval(() => this._reportQuality(), this._config.qualityIntervalMs);
      }
    }

    _stopTimers() {
      clearInterval(this._heartbeat);
      clearInterval(this._quality);
      this._heartbeat = this._quality = null;
    }

    _setRoomState(reason, code, extended = '') {
      const room = this._room;
      this._roomState = {
        LOGINING: 'CONNECTING', LOGINED: 'CONNECTED', RECONNECTED: 'CONNECTED', RECONNECTING: 'RECONNECTING',
      }[reason] || 'DISCONNECTED';
      this._debug(`room ${room ? room.roomID : ''}: ${reason} ${code || ''}`);
      this._emit('roomStateChanged', room ? room.roomID : '', reason, code, extended);
    }

    _request(msg) {
      if (!this._conn || this._conn.closed) return Promise.reject(new HuddleError(ErrorCode.CONNECTION_LOST));
      return this._conn.request(msg);
    }

    _signal(sessionId, kind, extra) {
      this._debug(`signal ${kind} -> ${sessionId}`);
      return this._request({ type: 'signal', session_id: sessionId, kind, ...extra });
    }

    /** Leave the room: stops publishing and playing, closes the socket; LOGOUT fires. */
    async logoutRoom(roomID) {
      const room = this._room;
      if (!room || (roomID && roomID !== room.roomID)) return;
      for (const playback of this._playbacks.values()) {
        playback.stopped = true;
        playback.teardown(false);
      }
      this._playbacks.clear();
      for (const publication of this._publications.values()) {
        publication.closeSessions();
        this._setPublisherState(publication, 'NO_PUBLISH', 0);
      }
      this._publications.clear();
      const conn = this._conn;
      if (conn && !conn.closed) {
        await conn.request({ type: 'logout' }).catch(() => {});
        conn.close();
      }
      this._conn = null;
      this._stopTimers();
      this._users.clear();
      this._streams.clear();
      this._setRoomState('LOGOUT', 0);
      this._room = null;
    }

    /** Release everything: logs out, stops every local stream. Safe to call twice. */
    destroyEngine() {
      if (this._destroyed) return;
      const done = this.logoutRoom();
      for (const local of this._localStreams) local._destroy();
      this._localStreams.clear();
      this.setSoundLevelDelegate(false);
      this._destroyed = true;
      return done.finally(() => this._handlers.clear());
    }

    // ------------------------------------------------------------ events from the service

    _onEvent(conn, msg) {
      if (conn !== this._conn || !this._room) return;
      const roomID = this._room.roomID;
      switch (msg.type) {
        case 'user_update': {
          for (const u of msg.users) {
            if (msg.update_type === 'ADD') this._users.set(u.user_id, u);
            else this._users.delete(u.user_id);
          }
          this._emit('roomUserUpdate', roomID, msg.update_type, msg.users.map(userOut));
          break;
        }
        case 'stream_update': {
          for (const s of msg.streams) {
            if (msg.update_type === 'ADD') this._streams.set(s.stream_id, s);
            else this._streams.delete(s.stream_id);
          }
          this._emit('roomStreamUpdate', roomID, msg.update_type, msg.streams.map(streamOut), '');
          for (const s of msg.streams) {
            const playback = this._playbacks.get(s.stream_id);
            if (!playback) continue;
            if (msg.update_type === 'DELETE') {
              playback.teardown(false);
              if (!playback.stopped) this._setPlayerState(playback, 'NO_PLAY', ErrorCode.PUBLISHER_LEFT);
            } else if (!playback.stopped && !playback.sessionId) {
              playback.failures = 0;
              playback.request().catch(() => {});
            }
          }
          break;
        }
        case 'stream_info_update':
          this._onStreamInfo(roomID, msg.streams);
          break;
        case 'kickout':
          this._onKickout(msg.code, msg.message);
          break;
        case 'play_request':
        case 'signal':
        case 'session_closed':
          // One ordered chain: an answer is never applied before its offer.
          this._signalChain = this._signalChain
            .then(() => this._onMediaMessage(msg))
            .catch((err) => console.error('[huddle] signalling failed', err));
          break;
        case 'broadcast_message':
          this._emit('IMRecvBroadcastMessage', roomID, msg.messages.map(chatOut));
          break;
        case 'barrage_message':
          this._emit('IMRecvBarrageMessage', roomID, msg.messages.map(chatOut));
          break;
        case 'custom_command':
          this._emit('IMRecvCustomCommand', roomID, userOut(msg.from_user), msg.command);
          break;
        default:
          this._debug('ignored', msg.type);
      }
    }

    async _onMediaMessage(msg) {
      if (msg.type === 'play_request') {
        const publication = this._publications.get(msg.stream_id);
        if (publication) await publication.addPlayer(msg.session_id, msg.player, msg.peer);
        return;
      }
      const owner = this._sessionOwner(msg.session_id);
      if (!owner) return;
      if (msg.type === 'signal') {
        await owner.session.onSignal(msg);
      } else if (owner.publication) {
        owner.publication.dropPlayer(msg.session_id, false);
      } else {
        const playback = owner.playback;
        playback.teardown(false);
        if (!playback.stopped && this._streams.has(playback.streamID)) await playback.retry(msg.code);
      }
    }

    _sessionOwner(sessionId) {
      for (const publication of this._publications.values()) {
        const session = publication.sessions.get(sessionId);
        if (session) return { session, publication };
      }
      for (const playback of this._playbacks.values()) {
        if (playback.session && playback.session.id === sessionId) {
          return { session: playback.session, playback };
        }
      }
      return null;
    }

    _onStreamInfo(roomID, streams) {
      const extraChanged = [];
      for (const s of streams) {
        const before = this._streams.get(s.stream_id);
        this._streams.set(s.stream_id, s);
        if (!before) continue;
        if ((before.extra_info || '') !== (s.extra_info || '')) extraChanged.push(streamOut(s));
        if (!!before.video_muted !== !!s.video_muted) {
          this._emit('remoteCameraStatusUpdate', s.stream_id, s.video_muted ? 'MUTE' : 'OPEN');
        }
        if (!!before.audio_muted !== !!s.audio_muted) {
          this._emit('remoteMicStatusUpdate', s.stream_id, s.audio_muted ? 'MUTE' : 'OPEN');
        }
      }
      if (extraChanged.length) this._emit('roomStreamExtraInfoUpdate', roomID, extraChanged);
    }

    _onKickout(code, message) {
      const conn = this._conn;
      this._teardownMedia(false);
      this._stopTimers();
      if (conn) conn.close();
      this._conn = null;
      for (const publication of this._publications.values()) this._setPublisherState(publication, 'NO_PUBLISH', code);
      for (const playback of this._playbacks.values()) this._setPlayerState(playback, 'NO_PLAY', code);
      this._publications.clear();
      this._playbacks.clear();
      this._setRoomState('KICKOUT', code, JSON.stringify({ message }));
      this._room = null;
    }

    _teardownMedia(keepPlaybacks) {
      for (const publication of this._publications.values()) publication.closeSessions();
      for (const playback of this._playbacks.values()) {
        playback.teardown(false);
        if (!keepPlaybacks) playback.stopped = true;
      }
      this._sessions.clear();
    }

    /** The socket dropped: RECONNECTING, then RECONNECTED or RECONNECT_FAILED. */
    _onLost(conn, code, reason) {
      if (conn !== this._conn || !this._room || this._roomState === 'RECONNECTING') return;
      this._debug(`socket lost: ${code} ${reason}`);
      if (code === 4001) return; // kickout handled it
      this._conn = null;
      clearInterval(this._heartbeat);
      this._teardownMedia(true);
      this._setRoomState('RECONNECTING', ErrorCode.CONNECTION_LOST);
      for (const publication of this._publications.values()) {
        this._setPublisherState(publication, 'PUBLISH_REQUESTING', ErrorCode.CONNECTION_LOST);
      }
      for (const playback of this._playbacks.values()) {
        if (!playback.stopped) this._setPlayerState(playback, 'PLAY_REQUESTING', ErrorCode.CONNECTION_LOST);
      }
      this._reconnect();
    }

    async _reconnect() {
      const room = this._room;
      const deadline = performance.now() + this._config.reconnectTimeoutMs;
      const [base, most] = this._config.reconnectBackoffMs;
      const oldUsers = new Map(this._users);
      const oldStreams = new Map(this._streams);
      for (let attempt = 0; ; attempt++) {
        const delay = Math.min(most, base * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        await sleep(Math.min(delay, Math.max(0, deadline - performance.now())));
        if (this._room !== room) return; // logged out meanwhile
        try {
          await this._connect();
          break;
        } catch (err) {
          if (this._room !== room) return;
          const final = err instanceof HuddleError && isFinal(err.code);
          if (final || performance.now() >= deadline) {
            this._failReconnect(final ? err.code : ErrorCode.RECONNECT_TIMEOUT);
            return;
          }
        }
      }
      this._setRoomState('RECONNECTED', 0);
      this._diff(room, oldUsers, oldStreams);
      for (const publication of this._publications.values()) {
        publication.register()
          .then(() => this._setPublisherState(publication, 'PUBLISHING', 0))
          .catch((err) => {
            this._publications.delete(publication.streamID);
            this._setPublisherState(publication, 'NO_PUBLISH', toError(err, ErrorCode.PUBLISH_FAILED).code);
          });
      }
      for (const playback of this._playbacks.values()) {
        if (playback.stopped) continue;
        if (this._streams.has(playback.streamID)) {
          playback.failures = 0;
          playback.request().catch(() => playback.retry(ErrorCode.PLAY_FAILED));
        } else {
          this._setPlayerState(playback, 'NO_PLAY', ErrorCode.PUBLISHER_LEFT);
        }
      }
    }

    _diff(room, oldUsers, oldStreams) {
      const usersGone = [...oldUsers.keys()].filter((id) => !this._users.has(id)).map((id) => oldUsers.get(id));
      const usersNew = [...this._users.keys()].filter((id) => !oldUsers.has(id)).map((id) => this._users.get(id));
      const streamsGone = [...oldStreams.keys()].filter((id) => !this._streams.has(id)).map((id) => oldStreams.get(id));
      const streamsNew = [...this._streams.keys()].filter((id) => !oldStreams.has(id)).map((id) => this._streams.get(id));
      if (room.userUpdate) {
        if (usersGone.length) this._emit('roomUserUpdate', room.roomID, 'DELETE', usersGone.map(userOut));
        if (usersNew.length) this._emit('roomUserUpdate', room.roomID, 'ADD', usersNew.map(userOut));
      }
      if (streamsGone.length) this._emit('roomStreamUpdate', room.roomID, 'DELETE', streamsGone.map(streamOut), '');
      if (streamsNew.length) this._emit('roomStreamUpdate', room.roomID, 'ADD', streamsNew.map(streamOut), '');
    }

    _failReconnect(code) {
      this._stopTimers();
      for (const publication of this._publications.values()) this._setPublisherState(publication, 'NO_PUBLISH', code);
      for (const playback of this._playbacks.values()) {
        playback.stopped = true;
        this._setPlayerState(playback, 'NO_PLAY', code);
      }
      this._publications.clear();
      this._playbacks.clear();
      this._setRoomState('RECONNECT_FAILED', code);
      this._room = null;
    }

    // ------------------------------------------------------------ local streams

    /** Capture camera and microphone (or a screen, or a custom source): the seed's
     * `createZegoStream({camera, screen, custom})`; resolves a ZegoLocalStream. */
    async createZegoStream(config = {}) {
      this._checkAlive();
      const media = navigator.mediaDevices;
      let stream;
      let video = {};
      try {
        if (config.custom) {
          const source = config.custom.source;
          stream = source instanceof MediaStream ? source
            : source && typeof source.captureStream === 'function' ? source.captureStream() : null;
          if (!stream) throw new HuddleError(ErrorCode.INVALID_ARGUMENT, 'custom.source must be a MediaStream or a media element.');
          video = { bitrate: config.custom.bitrate };
        } else if (config.screen) {
          if (!media || !media.getDisplayMedia) throw new HuddleError(ErrorCode.SCREEN_CAPTURE_UNAVAILABLE);
          const screen = config.screen === true ? {} : config.screen;
          stream = await media.getDisplayMedia({ video: screen.video !== false ? (typeof screen.video === 'object' ? screen.video : true) : false, audio: !!screen.audio });
          video = { bitrate: screen.bitrate || 1500 };
        } else {
          if (!media || !media.getUserMedia) {
            throw new HuddleError(root.isSecureContext === false ? ErrorCode.INSECURE_CONTEXT : ErrorCode.BROWSER_UNSUPPORTED);
          }
          const camera = config.camera || {};
          video = { ...VIDEO_PRESETS[camera.videoQuality] || VIDEO_PRESETS[2] };
          for (const key of ['width', 'height', 'frameRate', 'bitrate']) {
            if (camera[key] && (camera.videoQuality === 4 || !camera.videoQuality)) video[key] = camera[key];
          }
          const wantVideo = camera.video !== false;
          const wantAudio = camera.audio !== false;
          if (!wantVideo && !wantAudio) throw new HuddleError(ErrorCode.INVALID_ARGUMENT, 'camera.video and camera.audio are both false.');
          stream = await media.getUserMedia({
            video: wantVideo ? this._videoConstraints(camera.videoInput, video, camera.facingMode) : false,
            audio: wantAudio ? this._audioConstraints(camera.audioInput, camera) : false,
          });
        }
      } catch (err) {
        throw toError(err, ErrorCode.DEVICE_ERROR);
      }
      const local = new ZegoLocalStream(stream, { ...config, video }, this);
      this._localStreams.add(local);
      return local;
    }

    /** The older guide's name: same as createZegoStream. */
    createStream(config) {
      return this.createZegoStream(config);
    }

    _videoConstraints(deviceId, video, facingMode) {
      const c = { width: { ideal: video.width }, height: { ideal: video.height }, frameRate: { ideal: video.frameRate } };
      if (deviceId) c.deviceId = { exact: deviceId };
      if (facingMode) c.facingMode = facingMode;
      return c;
    }

    _audioConstraints(deviceId, camera) {
      const c = {
        echoCancellation: camera.AEC !== false,
        noiseSuppression: camera.ANS !== false,
        autoGainControl: camera.AGC !== false,
      };
      if (deviceId) c.deviceId = { exact: deviceId };
      return c;
    }

    /** Stop a local stream's devices (and any publish of it). */
    destroyStream(localStream) {
      if (!localStream) return;
      for (const publication of [...this._publications.values()]) {
        if (publication.local === localStream) this.stopPublishingStream(publication.streamID);
      }
      if (localStream._destroy) localStream._destroy();
      else if (localStream.getTracks) localStream.getTracks().forEach((t) => t.stop());
      this._localStreams.delete(localStream);
    }

    createLocalStreamView(localStream) {
      return localStream;
    }

    /** A view of a played stream (the MediaStream `startPlayingStream` resolved). */
    createRemoteStreamView(remoteStream) {
      return new ZegoStreamView(remoteStream, { engine: this });
    }

    /** Switch the camera under a live publish (no renegotiation). */
    async useVideoDevice(localStream, deviceID) {
      const video = (localStream.config && localStream.config.video) || VIDEO_PRESETS[2];
      return this._useDevice(localStream, 'video', { video: this._videoConstraints(deviceID, video) });
    }

    /** Switch the microphone under a live publish. */
    async useAudioDevice(localStream, deviceID) {
      return this._useDevice(localStream, 'audio', { audio: this._audioConstraints(deviceID, localStream.config.camera || {}) });
    }

    async _useDevice(localStream, kind, constraints) {
      let track;
      try {
        track = (await navigator.mediaDevices.getUserMedia(constraints)).getTracks()[0];
      } catch (err) {
        const error = toError(err, ErrorCode.DEVICE_ERROR);
        this._emit('deviceError', error.code, String((constraints[kind] && constraints[kind].deviceId && constraints[kind].deviceId.exact) || ''));
        throw error;
      }
      localStream._setTrack(kind, track);
      for (const publication of this._publications.values()) {
        if (publication.local !== localStream) continue;
        for (const session of publication.sessions.values()) await session.replaceTrack(kind, track);
      }
      return { errorCode: 0, extendedData: '' };
    }

    /** Play a view's sound on another speaker. */
    useAudioOutputDevice(view, deviceID) {
      if (view && typeof view.useAudioOutputDevice === 'function') return view.useAudioOutputDevice(deviceID);
      if (view && typeof view.setSinkId === 'function') return view.setSinkId(deviceID).then(() => true);
      return Promise.resolve(false);
    }

    // ------------------------------------------------------------ publishing

    /** Publish `localStream` as `streamID`; `publisherStateUpdate` tells how it went. Returns
     * false at once for a bad argument (and NO_PUBLISH fires). */
    startPublishingStream(streamID, localStream, publishOption = {}) {
      streamID = String(streamID);
      const fail = (code, message) => {
        this._emit('publisherStateUpdate', { state: 'NO_PUBLISH', streamID, errorCode: code, extendedData: message || '' });
        return false;
      };
      if (this._destroyed) return fail(ErrorCode.ENGINE_DESTROYED);
      if (!this._room || !this._conn) return fail(ErrorCode.NOT_LOGGED_IN);
      if (!(localStream instanceof ZegoLocalStream) || localStream.destroyed) return fail(ErrorCode.INVALID_ARGUMENT, 'Pass the stream createZegoStream resolved.');
      if (this._publications.has(streamID)) return fail(ErrorCode.INVALID_STATE, 'Already publishing this stream ID.');
      const options = { bitrate: localStream.config.video && localStream.config.video.bitrate, ...publishOption };
      const publication = new Publication(this, streamID, localStream, options);
      this._publications.set(streamID, publication);
      this._setPublisherState(publication, 'PUBLISH_REQUESTING', 0);
      publication.register().then(
        () => this._setPublisherState(publication, 'PUBLISHING', 0),
        (err) => {
          if (this._publications.get(streamID) !== publication) return;
          this._publications.delete(streamID);
          this._setPublisherState(publication, 'NO_PUBLISH', toError(err, ErrorCode.PUBLISH_FAILED).code);
        },
      );
      return true;
    }

    stopPublishingStream(streamID) {
      const publication = this._publications.get(String(streamID));
      if (!publication) return false;
      this._publications.delete(publication.streamID);
      publication.closeSessions();
      this._request({ type: 'unpublish', stream_id: publication.streamID }).catch(() => {});
      this._setPublisherState(publication, 'NO_PUBLISH', 0);
      return true;
    }

    _setPublisherState(publication, state, code) {
      if (publication.state === state && !code) return;
      this._debug(`publish ${publication.streamID}: ${publication.state} -> ${state} ${code || ''}`);
      publication.state = state;
      this._emit('publisherStateUpdate', { state, streamID: publication.streamID, errorCode: code, extendedData: '' });
    }

    /** Stop sending pictures (black frames go out, the track stays) and tell the room. */
    mutePublishStreamVideo(localStream, mute) {
      return this._mute(localStream, 'video', !!mute);
    }

    /** Stop sending sound (silence goes out) and tell the room. */
    mutePublishStreamAudio(localStream, mute) {
      return this._mute(localStream, 'audio', !!mute);
    }

    _mute(localStream, kind, mute) {
      if (!(localStream instanceof ZegoLocalStream)) return false;
      localStream[kind === 'video' ? 'videoMuted' : 'audioMuted'] = mute;
      for (const track of kind === 'video' ? localStream.stream.getVideoTracks() : localStream.stream.getAudioTracks()) {
        track.enabled = !mute;
      }
      for (const publication of this._publications.values()) {
        if (publication.local !== localStream || publication.state !== 'PUBLISHING') continue;
        this._request({ type: 'update_stream', stream_id: publication.streamID, [`${kind}_muted`]: mute }).catch(() => {});
      }
      return true;
    }

    /** Set a published stream's extra info; resolves `{errorCode, extendedData}`. */
    async setStreamExtraInfo(streamID, extraInfo) {
      try {
        await this._request({ type: 'update_stream', stream_id: String(streamID), extra_info: String(extraInfo) });
        const publication = this._publications.get(String(streamID));
        if (publication) publication.options.extraInfo = String(extraInfo);
        return { errorCode: 0, extendedData: '' };
      } catch (err) {
        return { errorCode: toError(err, ErrorCode.INTERNAL_ERROR).code, extendedData: err.msg || '' };
      }
    }

    // ------------------------------------------------------------ playing

    /** Play a stream of the room; resolves the MediaStream to hand `createRemoteStreamView`
     * (its tracks arrive with the publisher's offer). */
    async startPlayingStream(streamID, playOption = {}) {
      this._checkAlive();
      streamID = String(streamID);
      if (!this._room || !this._conn) throw new HuddleError(ErrorCode.NOT_LOGGED_IN);
      let playback = this._playbacks.get(streamID);
      if (playback && !playback.stopped) return playback.stream;
      playback = new Playback(this, streamID, playOption);
      this._playbacks.set(streamID, playback);
      try {
        await playback.request();
      } catch (err) {
        const error = toError(err, ErrorCode.PLAY_FAILED);
        if (this._playbacks.get(streamID) === playback) this._playbacks.delete(streamID);
        playback.stopped = true;
        this._setPlayerState(playback, 'NO_PLAY', error.code);
        throw error;
      }
      // The seed's apps learn the publisher's camera and microphone state when play starts.
      const info = this._streams.get(streamID);
      if (info) {
        Promise.resolve().then(() => {
          this._emit('remoteCameraStatusUpdate', streamID, info.video_muted ? 'MUTE' : 'OPEN');
          this._emit('remoteMicStatusUpdate', streamID, info.audio_muted ? 'MUTE' : 'OPEN');
        });
      }
      return playback.stream;
    }

    stopPlayingStream(streamID) {
      const playback = this._playbacks.get(String(streamID));
      if (!playback) return false;
      this._playbacks.delete(playback.streamID);
      playback.stopped = true;
      playback.teardown(true);
      for (const track of playback.stream.getTracks()) track.stop();
      if (playback.state !== 'NO_PLAY') this._setPlayerState(playback, 'NO_PLAY', 0);
      return true;
    }

    _setPlayerState(playback, state, code) {
      if (playback.state === state && !code) return;
      this._debug(`play ${playback.streamID}: ${playback.state} -> ${state} ${code || ''}`);
      playback.state = state;
      this._emit('playerStateUpdate', { state, streamID: playback.streamID, errorCode: code, extendedData: '' });
    }

    /** Mute a played stream's video or audio here (the publisher keeps sending). */
    mutePlayStreamVideo(streamID, mute) {
      const playback = this._playbacks.get(String(streamID));
      if (!playback) return false;
      playback.stream.getVideoTracks().forEach((t) => { t.enabled = !mute; });
      return true;
    }

    mutePlayStreamAudio(streamID, mute) {
      const playback = this._playbacks.get(String(streamID));
      if (!playback) return false;
      playback.stream.getAudioTracks().forEach((t) => { t.enabled = !mute; });
      return true;
    }

    // ------------------------------------------------------------ quality and sound levels

    async _reportQuality() {
      for (const publication of [...this._publications.values()]) {
        if (publication.state !== 'PUBLISHING') continue;
        try {
          this._emit('publishQualityUpdate', publication.streamID, await publication.quality());
        } catch (err) {
          this._debug('publish stats failed', err);
        }
      }
      for (const playback of [...this._playbacks.values()]) {
        if (playback.stopped || playback.state !== 'PLAYING') continue;
        try {
          this._emit('playQualityUpdate', playback.streamID, await playback.quality());
        } catch (err) {
          this._debug('play stats failed', err);
        }
      }
    }

    /** `soundLevelUpdate` (played streams) and `capturedSoundLevelUpdate` (published) every
     * `interval` ms, 0-100, from getStats' audio levels. */
    setSoundLevelDelegate(enable, interval = 1000) {
      clearInterval(this._soundLevel);
      this._soundLevel = null;
      if (!enable) return true;
      this._soundLevel = setInterval(() => this._reportSoundLevels(), Math.max(100, interval));
      return true;
    }

    async _reportSoundLevels() {
      const levels = [];
      for (const playback of this._playbacks.values()) {
        if (!playback.session) continue;
        const report = await playback.session.pc.getStats();
        report.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio' && s.audioLevel != null) {
            levels.push({ streamID: playback.streamID, soundLevel: Math.round(s.audioLevel * 100), type: 'pull' });
          }
        });
      }
      if (levels.length) this._emit('soundLevelUpdate', levels);
      for (const publication of this._publications.values()) {
        const session = [...publication.sessions.values()][0];
        if (!session) continue;
        const report = await session.pc.getStats();
        report.forEach((s) => {
          if (s.type === 'media-source' && s.kind === 'audio' && s.audioLevel != null) {
            const level = publication.local.audioMuted ? 0 : Math.round(s.audioLevel * 100);
            this._emit('capturedSoundLevelUpdate', { streamID: publication.streamID, soundLevel: level, type: 'push' });
          }
        });
      }
    }

    // ------------------------------------------------------------ messages

    /** Resolves `{errorCode, messageID}`. */
    async sendBroadcastMessage(roomID, message) {
      return this._sendMessage(roomID, { type: 'send_broadcast', message: String(message) });
    }

    /** Resolves `{errorCode, messageID}`. */
    async sendBarrageMessage(roomID, message) {
      return this._sendMessage(roomID, { type: 'send_barrage', message: String(message) });
    }

    /** Send `command` to `toUserList` (user IDs; everyone else when empty). Resolves `{errorCode}`. */
    async sendCustomCommand(roomID, command, toUserList = []) {
      const ids = (toUserList || []).map((u) => (typeof u === 'string' ? u : u.userID));
      return this._sendMessage(roomID, { type: 'send_custom_command', command: String(command), to_user_ids: ids });
    }

    async _sendMessage(roomID, msg) {
      if (!this._room || roomID !== this._room.roomID) {
        return { errorCode: ErrorCode.NOT_LOGGED_IN, messageID: 0, extendedData: `Not in room ${roomID}.` };
      }
      try {
        const reply = await this._request(msg);
        return { errorCode: 0, messageID: reply.message_id || 0, extendedData: '' };
      } catch (err) {
        const error = toError(err, ErrorCode.INTERNAL_ERROR);
        return { errorCode: error.code, messageID: 0, extendedData: error.msg };
      }
    }

    // ------------------------------------------------------------ state, for apps and tests

    /** Where the room connection is: DISCONNECTED, CONNECTING, CONNECTED or RECONNECTING. */
    getRoomState() {
      return this._roomState;
    }
  }

  ZegoExpressEngine.ErrorCode = ErrorCode;
  ZegoExpressEngine.HuddleError = HuddleError;

  root.ZegoExpressEngine = ZegoExpressEngine;
  root.HuddleExpressEngine = ZegoExpressEngine;
  root.ZegoLocalStream = ZegoLocalStream;
  root.ZegoStreamView = ZegoStreamView;
  root.HuddleError = HuddleError;
})(typeof window !== 'undefined' ? window : globalThis);
