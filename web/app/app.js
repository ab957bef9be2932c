// Huddle in a browser tab: the desktop app's call, on the JavaScript SDK (huddle-express.js).
// Served by the room service at /, with a strict Content-Security-Policy: no inline code.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const zg = new ZegoExpressEngine(Number(params.get('app') || 1), '');
  const ErrorCode = ZegoExpressEngine.ErrorCode;

  // English is written in place; 简体中文 for browsers that ask for Chinese (or ?lang=zh_CN).
  const ZH = {
    'Room ID': '房间 ID',
    'Your name': '你的名字',
    Camera: '摄像头',
    Microphone: '麦克风',
    Speaker: '扬声器',
    'Join with camera off': '加入时关闭摄像头',
    'Join muted': '加入时静音',
    "Token (from your app's backend)": 'Token（由你的应用后端生成）',
    'Camera off': '摄像头已关闭',
    Join: '加入',
    'Copy invite link': '复制邀请链接',
    'Copy a link to this room': '复制本房间的链接',
    Barrage: '弹幕',
    'Send it flying across the video': '让消息飞过画面',
    Chat: '聊天',
    'Chat (Ctrl+Shift+C)': '聊天 (Ctrl+Shift+C)',
    Leave: '离开',
    'Leave (Ctrl+Shift+H)': '离开 (Ctrl+Shift+H)',
    Mute: '静音',
    Unmute: '取消静音',
    'Microphone (Ctrl+D)': '麦克风 (Ctrl+D)',
    'Stop camera': '关闭摄像头',
    'Start camera': '打开摄像头',
    'Camera (Ctrl+E)': '摄像头 (Ctrl+E)',
    'Share screen': '共享屏幕',
    'Stop sharing': '停止共享',
    'Share screen (Ctrl+Shift+S)': '共享屏幕 (Ctrl+Shift+S)',
    'Message (Enter sends)': '消息（回车发送）',
    'Microphone level': '麦克风音量',
    Participants: '参与者',
    'Microphone muted': '麦克风已静音',
    'None found': '未找到',
    You: '你',
    '(you)': '（你）',
    '(screen)': '（屏幕）',
    '(your screen)': '（你的屏幕）',
    'Enter a room ID and your name.': '请输入房间 ID 和你的名字。',
    'You can still join and watch.': '你仍可以加入并观看。',
    'The browser was not allowed to use the camera or microphone.': '浏览器未获准使用摄像头或麦克风。',
    'This server does not hand out tokens: paste one from your app.': '此服务器不发放 token：请粘贴你的应用生成的 token。',
    'Connection lost — reconnecting…': '连接中断，正在重连…',
    'Could not reconnect. Leave and join again.': '无法重连。请离开后重新加入。',
    'You joined this room from somewhere else; this tab left the call.': '你已在别处加入此房间；此页面已退出通话。',
    'You left the call.': '你已离开通话。',
    'Could not play': '无法播放',
    'Could not share the screen:': '无法共享屏幕：',
    'Not sent:': '未发送：',
    'Copied:': '已复制：',
    'This browser cannot make calls (no WebRTC).': '此浏览器无法通话（不支持 WebRTC）。',
    'error': '错误',
  };
  const lang = (params.get('lang') || navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  const t = (text) => (lang === 'zh' && ZH[text]) || text;

  function translatePage() {
    if (lang !== 'zh') return;
    document.documentElement.lang = 'zh-CN';
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.textContent.trim());
    for (const el of document.querySelectorAll('[title]')) el.title = t(el.title);
    for (const el of document.querySelectorAll('[placeholder]')) el.placeholder = t(el.placeholder);
  }

  const call = {
    roomID: null,
    user: null,
    local: null, // ZegoLocalStream, shared by the preview and the call
    streamID: null,
    screen: null, // ZegoLocalStream of a shared screen
    micMuted: false,
    cameraOff: false,
    tiles: new Map(), // key (user ID, or stream ID for a screen) -> tile
    played: new Map(), // stream ID -> view
    unread: 0,
  };

  // ------------------------------------------------------------ small helpers

  function toast(text) {
    const el = $('toast');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
  }

  function initials(name) {
    const words = String(name || '?').trim().split(/\s+/).filter(Boolean);
    return (words.length > 1 ? words[0][0] + words[1][0] : (words[0] || '?').slice(0, 2)).toUpperCase();
  }

  function hue(text) {
    let h = 0;
    for (const c of String(text)) h = (h * 31 + c.codePointAt(0)) % 360;
    return h;
  }

  function makeUserId(name) {
    const base = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'user';
    const bytes = crypto.getRandomValues(new Uint8Array(3));
    return `${base}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  }

  function streamIdFor(userID, kind) {
    return `${userID.replace(/[^A-Za-z0-9_-]/g, '_')}-${kind}`;
  }

  function sentence(err) {
    if (!err) return '';
    if (err.code === ErrorCode.PERMISSION_DENIED) return t('The browser was not allowed to use the camera or microphone.');
    if (err.code === ErrorCode.INSECURE_CONTEXT) return err.msg;
    return err.msg || err.message || String(err);
  }

  // ------------------------------------------------------------ devices and the preview

  async function openDevices() {
    const camera = $('camera').value || undefined;
    const microphone = $('microphone').value || undefined;
    const old = call.local;
    call.local = null;
    if (old) zg.destroyStream(old);
    $('join-error').textContent = '';
    for (const [video, audio] of [[true, true], [true, false], [false, true]]) {
      try {
        call.local = await zg.createZegoStream({
          camera: { video, audio, videoInput: camera, audioInput: microphone, videoQuality: 2 },
        });
        break;
      } catch (err) {
        if (!video || !audio) $('join-error').textContent = `${sentence(err)} ${t('You can still join and watch.')}`;
      }
    }
    if (call.local) {
      call.local.playVideo($('preview'), { mirror: true });
      meter(call.local);
    }
    await fillPickers();
    showPreviewState();
  }

  async function fillPickers() {
    const devices = await zg.enumDevices();
    const fill = (select, list) => {
      const chosen = select.value;
      select.replaceChildren(...list.map((d) => new Option(d.deviceName, d.deviceID)));
      if (!list.length) select.append(new Option(t('None found'), ''));
      if (list.some((d) => d.deviceID === chosen)) select.value = chosen;
    };
    fill($('camera'), devices.cameras);
    fill($('microphone'), devices.microphones);
    fill($('speaker'), devices.speakers);
    const track = call.local && call.local.videoTrack;
    if (track && track.getSettings().deviceId) $('camera').value = track.getSettings().deviceId;
  }

  function showPreviewState() {
    const off = $('camera-off').checked || !call.local || !call.local.videoTrack;
    $('preview').hidden = off;
    $('preview-off').hidden = !off;
  }

  let audioContext = null;
  function meter(local) {
    const track = local.audioTrack;
    if (!track || !window.AudioContext) return;
    audioContext = audioContext || new AudioContext();
    const analyser = audioContext.createAnalyser();
    analyser.fftSize = 512;
    audioContext.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    const tick = () => {
      if (call.local !== local) return;
      analyser.getFloatTimeDomainData(data);
      let peak = 0;
      for (const v of data) peak = Math.max(peak, Math.abs(v));
      $('mic-level').value = call.micMuted ? 0 : Math.min(100, Math.round(peak * 140));
      setTimeout(tick, 100);
    };
    tick();
  }

  // ------------------------------------------------------------ joining

  async function devToken(roomID, userID) {
    const response = await fetch('/api/dev-token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ room_id: roomID, user_id: userID }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const err = new Error(body.message || `The service refused a token (${response.status}).`);
      err.code = body.code;
      throw err;
    }
    if (body.app_id != null) zg.appID = body.app_id;
    return body.token;
  }

  async function join(event) {
    event.preventDefault();
    const roomID = $('room').value.trim();
    const name = $('name').value.trim();
    const error = $('join-error');
    if (!roomID || !name) {
      error.textContent = t('Enter a room ID and your name.');
      return;
    }
    $('join-button').disabled = true;
    error.textContent = '';
    const userID = makeUserId(name);
    try {
      let token = $('token').value.trim();
      if (!token) {
        try {
          token = await devToken(roomID, userID);
        } catch (err) {
          if (err.code === ErrorCode.DEV_TOKENS_DISABLED) {
            $('token-row').hidden = false;
            throw new Error(t('This server does not hand out tokens: paste one from your app.'));
          }
          throw err;
        }
      }
      if (audioContext) audioContext.resume();
      await zg.loginRoom(roomID, token, { userID, userName: name }, { userUpdate: true });
      localStorage.setItem('huddle.name', name);
      call.roomID = roomID;
      call.user = { userID, userName: name };
      history.replaceState(null, '', `?room=${encodeURIComponent(roomID)}`);
      enterCall();
    } catch (err) {
      error.textContent = sentence(err);
    } finally {
      $('join-button').disabled = false;
    }
  }

  function enterCall() {
    $('join').hidden = true;
    $('call').hidden = false;
    $('room-title').textContent = call.roomID;
    document.title = `${call.roomID} — Huddle`;
    const me = tileFor(call.user.userID, `${call.user.userName} ${t('(you)')}`);
    me.el.classList.add('me');
    call.micMuted = $('mic-muted').checked;
    call.cameraOff = $('camera-off').checked;
    if (call.local) {
      call.streamID = streamIdFor(call.user.userID, 'cam');
      me.view = call.local;
      call.local.playVideo(me.video, { mirror: true, objectFit: 'cover' });
      zg.mutePublishStreamAudio(call.local, call.micMuted);
      zg.mutePublishStreamVideo(call.local, call.cameraOff);
      if (call.cameraOff && call.local.videoTrack) call.local.videoTrack.stop();
      zg.startPublishingStream(call.streamID, call.local);
    }
    zg.setSoundLevelDelegate(true, 500);
    updateControls();
    updatePeople();
  }

  async function leave() {
    if (!call.roomID) return;
    stopSharing();
    if (call.streamID) zg.stopPublishingStream(call.streamID);
    for (const id of call.played.keys()) zg.stopPlayingStream(id);
    call.played.clear();
    await zg.logoutRoom(call.roomID);
    resetCall();
    toast(t('You left the call.'));
  }

  function resetCall() {
    zg.setSoundLevelDelegate(false);
    for (const tile of call.tiles.values()) tile.el.remove();
    call.tiles.clear();
    call.played.clear();
    call.roomID = null;
    call.streamID = null;
    $('messages').replaceChildren();
    $('call').hidden = true;
    $('join').hidden = false;
    document.title = 'Huddle';
    if (call.local) {
      if (call.cameraOff) {
        $('camera-off').checked = true;
      }
      call.local.playVideo($('preview'), { mirror: true });
    }
    showPreviewState();
  }

  // ------------------------------------------------------------ tiles

  function tileFor(key, label) {
    let tile = call.tiles.get(key);
    if (tile) return tile;
    const el = document.createElement('figure');
    el.className = 'tile';
    el.dataset.key = key;
    const video = document.createElement('div');
    video.className = 'video';
    const face = document.createElement('div');
    face.className = 'initials';
    face.textContent = initials(label);
    face.style.background = `hsl(${hue(key)} 45% 38%)`;
    const caption = document.createElement('figcaption');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = label;
    const mic = document.createElement('span');
    mic.className = 'muted-mark';
    mic.textContent = '🔇';
    mic.title = t('Microphone muted');
    mic.hidden = true;
    caption.append(name, mic);
    el.append(face, video, caption);
    $('grid').append(el);
    tile = { el, video, face, mic, view: null, cameraOff: true };
    call.tiles.set(key, tile);
    layout();
    return tile;
  }

  function setCameraOff(tile, off) {
    tile.cameraOff = off;
    tile.el.classList.toggle('camera-off', off);
  }

  function removeTile(key) {
    const tile = call.tiles.get(key);
    if (!tile) return;
    tile.el.remove();
    call.tiles.delete(key);
    layout();
  }

  function layout() {
    const n = Math.max(1, call.tiles.size);
    const columns = Math.ceil(Math.sqrt(n));
    $('grid').style.gridTemplateColumns = `repeat(${columns}, 1fr)`;
    $('grid').style.setProperty('--rows', String(Math.ceil(n / columns)));
    updatePeople();
  }

  function updatePeople() {
    const users = new Set([...call.tiles.keys()].filter((k) => !k.endsWith('-screen')));
    $('people').textContent = `👥 ${users.size}`;
  }

  function keyFor(stream) {
    return stream.streamID.endsWith('-screen') ? stream.streamID : stream.user.userID;
  }

  async function play(stream) {
    if (call.played.has(stream.streamID) || stream.streamID === call.streamID) return;
    const screen = stream.streamID.endsWith('-screen');
    const tile = tileFor(keyFor(stream), screen ? `${stream.user.userName} ${t('(screen)')}` : stream.user.userName);
    tile.streamID = stream.streamID;
    call.played.set(stream.streamID, null);
    try {
      const media = await zg.startPlayingStream(stream.streamID);
      if (!call.played.has(stream.streamID)) return; // deleted meanwhile
      const view = zg.createRemoteStreamView(media);
      call.played.set(stream.streamID, view);
      tile.view = view;
      await view.play(tile.video, { enableAutoplayDialog: true, objectFit: screen ? 'contain' : 'cover' });
      const speaker = $('speaker').value;
      if (speaker) view.useAudioOutputDevice(speaker).catch(() => {});
    } catch (err) {
      call.played.delete(stream.streamID);
      toast(`${t('Could not play')} ${stream.user.userName}: ${sentence(err)}`);
    }
  }

  function stopPlaying(stream) {
    zg.stopPlayingStream(stream.streamID);
    call.played.delete(stream.streamID);
    const key = keyFor(stream);
    const tile = call.tiles.get(key);
    if (!tile) return;
    if (key === stream.streamID) removeTile(key);
    else {
      if (tile.view) tile.view.stop();
      tile.view = null;
      setCameraOff(tile, true);
    }
  }

  // ------------------------------------------------------------ the SDK's events

  zg.on('roomStateChanged', (roomID, reason, errorCode) => {
    const state = $('room-state');
    state.dataset.reason = reason;
    const text = {
      RECONNECTING: t('Connection lost — reconnecting…'),
      RECONNECTED: '',
      RECONNECT_FAILED: t('Could not reconnect. Leave and join again.'),
      KICKOUT: t('You joined this room from somewhere else; this tab left the call.'),
    }[reason];
    if (text !== undefined) state.textContent = text;
    if (reason === 'KICKOUT' || reason === 'RECONNECT_FAILED') {
      const message = text;
      resetCall();
      $('join-error').textContent = `${message} (${t('error')} ${errorCode})`;
    }
  });

  zg.on('roomUserUpdate', (roomID, type, users) => {
    for (const user of users) {
      if (type === 'ADD') {
        const tile = tileFor(user.userID, user.userName);
        if (!tile.view) setCameraOff(tile, true);
      } else {
        removeTile(user.userID);
      }
    }
  });

  zg.on('roomStreamUpdate', (roomID, type, streams) => {
    for (const stream of streams) {
      if (type === 'ADD') play(stream);
      else stopPlaying(stream);
    }
  });

  zg.on('remoteCameraStatusUpdate', (streamID, status) => {
    for (const tile of call.tiles.values()) if (tile.streamID === streamID) setCameraOff(tile, status !== 'OPEN');
  });

  zg.on('remoteMicStatusUpdate', (streamID, status) => {
    for (const tile of call.tiles.values()) if (tile.streamID === streamID) tile.mic.hidden = status === 'OPEN';
  });

  zg.on('playerStateUpdate', ({ state, streamID }) => {
    for (const tile of call.tiles.values()) {
      if (tile.streamID === streamID) tile.el.classList.toggle('waiting', state !== 'PLAYING');
    }
  });

  zg.on('playQualityUpdate', (streamID, stats) => {
    for (const tile of call.tiles.values()) {
      if (tile.streamID !== streamID) continue;
      const v = stats.video;
      tile.el.title = `${v.frameWidth}×${v.frameHeight} · ${v.videoFPS.toFixed(0)} fps · ` +
        `${(v.videoBitrate + stats.audio.audioBitrate).toFixed(0)} kbps · ` +
        `RTT ${stats.currentRoundTripTime == null ? '–' : stats.currentRoundTripTime.toFixed(0)} ms · ` +
        `loss ${(v.videoPacketsLostRate * 100).toFixed(1)} %`;
    }
  });

  zg.on('soundLevelUpdate', (levels) => {
    let loudest = null;
    for (const l of levels) if (l.soundLevel > 8 && (!loudest || l.soundLevel > loudest.soundLevel)) loudest = l;
    for (const tile of call.tiles.values()) tile.el.classList.toggle('speaking', !!loudest && tile.streamID === loudest.streamID);
  });

  function addMessage(from, text, kind) {
    const item = document.createElement('li');
    item.className = kind;
    const who = document.createElement('b');
    who.textContent = from;
    const body = document.createElement('span');
    body.textContent = text;
    item.append(who, body);
    $('messages').append(item);
    item.scrollIntoView({ block: 'end' });
    if ($('chat').hidden && kind !== 'mine') {
      call.unread += 1;
      $('unread').textContent = `(${call.unread})`;
    }
  }

  function flyBarrage(text) {
    const el = document.createElement('span');
    el.className = 'barrage';
    el.textContent = text;
    el.style.top = `${10 + Math.random() * 60}%`;
    $('barrages').append(el);
    el.addEventListener('animationend', () => el.remove());
  }

  zg.on('IMRecvBroadcastMessage', (roomID, messages) => {
    for (const m of messages) addMessage(m.fromUser.userName || m.fromUser.userID, m.message, 'theirs');
  });

  zg.on('IMRecvBarrageMessage', (roomID, messages) => {
    for (const m of messages) {
      flyBarrage(m.message);
      addMessage(m.fromUser.userName || m.fromUser.userID, m.message, 'theirs barrage-message');
    }
  });

  // ------------------------------------------------------------ controls

  function updateControls() {
    $('mic').textContent = t(call.micMuted ? 'Unmute' : 'Mute');
    $('mic').setAttribute('aria-pressed', String(call.micMuted));
    $('cam').textContent = t(call.cameraOff ? 'Start camera' : 'Stop camera');
    $('cam').setAttribute('aria-pressed', String(call.cameraOff));
    $('mic').disabled = !call.local || !call.local.audioTrack;
    $('cam').disabled = !call.local || !call.local.config.camera || call.local.config.camera.video === false;
    $('share').textContent = t(call.screen ? 'Stop sharing' : 'Share screen');
    $('share').setAttribute('aria-pressed', String(!!call.screen));
    const me = call.user && call.tiles.get(call.user.userID);
    if (me) {
      me.mic.hidden = !call.micMuted;
      setCameraOff(me, call.cameraOff || !call.local || !call.local.videoTrack);
    }
  }

  function toggleMic() {
    if (!call.local) return;
    call.micMuted = !call.micMuted;
    zg.mutePublishStreamAudio(call.local, call.micMuted);
    updateControls();
  }

  async function toggleCamera() {
    if (!call.local) return;
    call.cameraOff = !call.cameraOff;
    if (call.cameraOff) {
      zg.mutePublishStreamVideo(call.local, true);
      if (call.local.videoTrack) call.local.videoTrack.stop(); // release the camera
    } else {
      try {
        await zg.useVideoDevice(call.local, $('camera').value);
      } catch (err) {
        call.cameraOff = true;
        toast(sentence(err));
      }
      zg.mutePublishStreamVideo(call.local, call.cameraOff);
    }
    updateControls();
  }

  async function toggleShare() {
    if (call.screen) {
      stopSharing();
      return;
    }
    let screen;
    try {
      screen = await zg.createZegoStream({ screen: { video: true, audio: false } });
    } catch (err) {
      toast(`${t('Could not share the screen:')} ${sentence(err)}`);
      return;
    }
    if (!call.roomID) {
      zg.destroyStream(screen);
      return;
    }
    call.screen = screen;
    const streamID = streamIdFor(call.user.userID, 'screen');
    const tile = tileFor(streamID, `${call.user.userName} ${t('(your screen)')}`);
    tile.el.classList.add('mine');
    setCameraOff(tile, false);
    screen.playVideo(tile.video, { objectFit: 'contain' });
    // The browser's own "Stop sharing" ends the track.
    screen.videoTrack.addEventListener('ended', stopSharing);
    zg.startPublishingStream(streamID, screen);
    updateControls();
  }

  function stopSharing() {
    const screen = call.screen;
    if (!screen) return;
    call.screen = null;
    const streamID = streamIdFor(call.user.userID, 'screen');
    zg.stopPublishingStream(streamID);
    zg.destroyStream(screen);
    removeTile(streamID);
    updateControls();
  }

  function toggleChat() {
    const chat = $('chat');
    chat.hidden = !chat.hidden;
    $('chat-toggle').setAttribute('aria-pressed', String(!chat.hidden));
    if (!chat.hidden) {
      call.unread = 0;
      $('unread').textContent = '';
      $('chat-input').focus();
    }
  }

  async function sendChat(event) {
    event.preventDefault();
    const input = $('chat-input');
    const text = input.value.trim();
    if (!text || !call.roomID) return;
    const barrage = $('barrage').checked;
    const result = barrage
      ? await zg.sendBarrageMessage(call.roomID, text)
      : await zg.sendBroadcastMessage(call.roomID, text);
    if (result.errorCode) {
      toast(`${t('Not sent:')} ${result.extendedData || `${t('error')} ${result.errorCode}`}`);
      return;
    }
    input.value = '';
    if (barrage) flyBarrage(text);
    addMessage(t('You'), text, barrage ? 'mine barrage-message' : 'mine');
  }

  async function copyInvite() {
    const link = `${location.origin}/?room=${encodeURIComponent(call.roomID)}`;
    try {
      await navigator.clipboard.writeText(link);
      toast(`${t('Copied:')} ${link}`);
    } catch (err) {
      toast(link);
    }
  }

  // ------------------------------------------------------------ wiring

  $('join-form').addEventListener('submit', join);
  $('camera').addEventListener('change', async () => {
    if (call.local && call.local.videoTrack && !call.cameraOff) {
      await zg.useVideoDevice(call.local, $('camera').value).catch((err) => toast(sentence(err)));
    } else if (!call.roomID) await openDevices();
  });
  $('microphone').addEventListener('change', async () => {
    if (call.local && call.local.audioTrack) {
      await zg.useAudioDevice(call.local, $('microphone').value).catch((err) => toast(sentence(err)));
      meter(call.local);
    } else if (!call.roomID) await openDevices();
  });
  $('speaker').addEventListener('change', () => {
    for (const view of call.played.values()) if (view) view.useAudioOutputDevice($('speaker').value).catch(() => {});
  });
  $('camera-off').addEventListener('change', showPreviewState);
  $('mic').addEventListener('click', toggleMic);
  $('cam').addEventListener('click', toggleCamera);
  $('share').addEventListener('click', toggleShare);
  $('chat-toggle').addEventListener('click', toggleChat);
  $('chat-form').addEventListener('submit', sendChat);
  $('leave').addEventListener('click', leave);
  $('invite').addEventListener('click', copyInvite);
  document.addEventListener('keydown', (e) => {
    if (!call.roomID || !e.ctrlKey) return;
    const key = e.key.toLowerCase();
    const action = e.shiftKey
      ? { c: toggleChat, h: leave, s: toggleShare }[key]
      : { d: toggleMic, e: toggleCamera }[key];
    if (action) {
      e.preventDefault();
      action();
    }
  });
  window.addEventListener('pagehide', () => zg.destroyEngine());

  translatePage();
  $('room').value = params.get('room') || '';
  $('name').value = localStorage.getItem('huddle.name') || '';
  (params.get('room') ? $('name') : $('room')).focus();
  zg.checkSystemRequirements().then((found) => {
    if (!found.webRTC) $('join-error').textContent = t('This browser cannot make calls (no WebRTC).');
  });
  openDevices();
})();
