<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>CallController</name>
    <message>
      <location filename="../../app/ui/call.py" line="151" />
      <source>Connecting to %1…</source>
      <translation>正在连接 %1…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="155" />
      <source>Connection lost. Reconnecting…</source>
      <translation>连接已断开，正在重新连接…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="160" />
      <source>Could not reconnect: %1</source>
      <translation>无法重新连接：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="165" />
      <source>You were removed from the call: %1</source>
      <translation>你已被移出通话：%1</translation>
    </message>
  </context>
  <context>
    <name>CallWindow</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="113" />
      <location filename="../../app/ui/call_window.py" line="171" />
      <source>Chat</source>
      <translation>聊天</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="115" />
      <location filename="../../app/ui/call_window.py" line="175" />
      <source>Participants</source>
      <translation>参会者</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="161" />
      <source>Microphone</source>
      <translation>麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="164" />
      <source>Camera</source>
      <translation>摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="167" />
      <source>Share screen</source>
      <translation>共享屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="178" />
      <source>Statistics</source>
      <translation>统计信息</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="181" />
      <source>Devices and settings</source>
      <translation>设备与设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="184" />
      <source>Leave</source>
      <translation>离开</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="187" />
      <source>Show or hide the chat</source>
      <translation>显示或隐藏聊天</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="188" />
      <source>Show or hide who is in the call</source>
      <translation>显示或隐藏通话中的人</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="190" />
      <source>Show resolution, frame rate, bitrate, round trip and loss on each video</source>
      <translation>在每个视频上显示分辨率、帧率、码率、往返时延和丢包率</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="192" />
      <source>Choose camera, microphone, speaker and language</source>
      <translation>选择摄像头、麦克风、扬声器和语言</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="193" />
      <source>Leave the call</source>
      <translation>离开通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="194" />
      <source>Share your screen</source>
      <translation>共享你的屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="199" />
      <source>Call controls</source>
      <translation>通话控制</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="237" />
      <source>Huddle — %1</source>
      <translation>Huddle — %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="239" />
      <source>Room %1 · you are %2</source>
      <translation>房间 %1 · 你的名字是 %2</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="267" />
      <source>Mute microphone</source>
      <translation>关闭麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="269" />
      <source>Unmute microphone</source>
      <translation>打开麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="278" />
      <source>Turn camera off</source>
      <translation>关闭摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="280" />
      <source>Turn camera on</source>
      <translation>打开摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="288" />
      <source>No camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="290" />
      <location filename="../../app/ui/call_window.py" line="325" />
      <source>Camera off</source>
      <translation>摄像头已关闭</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="301" />
      <source>%1's screen</source>
      <translation>%1 的屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="323" />
      <source>Audio only</source>
      <translation>仅音频</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="334" />
      <source>Your screen</source>
      <translation>你的屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="345" />
      <source>loss %1 %</source>
      <translation>丢包 %1 %</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="414" />
      <source>You</source>
      <translation>你</translation>
    </message>
  </context>
  <context>
    <name>ChatPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="42" />
      <source>Message everyone</source>
      <translation>给所有人发消息</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="45" />
      <source>Barrage</source>
      <translation>弹幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="46" />
      <source>Send the message flying across everyone's video</source>
      <translation>让消息以弹幕形式飘过所有人的视频</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="47" />
      <source>Send</source>
      <translation>发送</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="81" />
      <source>You</source>
      <translation>你</translation>
    </message>
  </context>
  <context>
    <name>Crash</name>
    <message>
      <location filename="../../app/ui/app.py" line="209" />
      <source>Huddle ran into a problem</source>
      <translation>Huddle 遇到了问题</translation>
    </message>
    <message>
      <location filename="../../app/ui/app.py" line="210" />
      <source>Something went wrong inside Huddle. The details are saved in %1.</source>
      <translation>Huddle 内部出错了，详细信息已保存在 %1。</translation>
    </message>
  </context>
  <context>
    <name>JoinDialog</name>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="58" />
      <source>Huddle — Join a call</source>
      <translation>Huddle — 加入通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="68" />
      <source>Join a call</source>
      <translation>加入通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="77" />
      <source>e.g. standup</source>
      <translation>例如 standup</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="80" />
      <source>How others see you</source>
      <translation>其他人看到的名字</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="83" />
      <source>This computer</source>
      <translation>本机</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="86" />
      <source>A room service runs inside Huddle; other Huddle windows on this computer join it.</source>
      <translation>房间服务运行在 Huddle 内部；本机上的其他 Huddle 窗口会加入它。</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="89" />
      <source>Another server</source>
      <translation>其他服务器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="98" />
      <source>Token</source>
      <translation>令牌</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="99" />
      <source>App secret</source>
      <translation>应用密钥</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="104" />
      <source>Server URL</source>
      <translation>服务器地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="105" />
      <source>App ID</source>
      <translation>应用 ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="109" />
      <source>Sign in with</source>
      <translation>登录方式</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="116" />
      <source>Join with camera off</source>
      <translation>加入时关闭摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="117" />
      <source>Join with microphone muted</source>
      <translation>加入时关闭麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="119" />
      <location filename="../../app/ui/join_dialog.py" line="197" />
      <source>You</source>
      <translation>你</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="126" />
      <location filename="../../app/ui/join_dialog.py" line="347" />
      <source>Microphone level</source>
      <translation>麦克风音量</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="133" />
      <location filename="../../app/ui/join_dialog.py" line="417" />
      <source>Join</source>
      <translation>加入</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="143" />
      <source>Room ID</source>
      <translation>房间 ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="144" />
      <source>Your name</source>
      <translation>你的名字</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="150" />
      <source>Server</source>
      <translation>服务器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="152" />
      <source>Camera</source>
      <translation>摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="153" />
      <source>Microphone</source>
      <translation>麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="154" />
      <source>Speaker</source>
      <translation>扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="164" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="166" />
      <source>Language, and a check that this computer can call</source>
      <translation>语言设置，以及检查本机能否通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="264" />
      <source>The server URL starts with ws:// or wss://.</source>
      <translation>服务器地址以 ws:// 或 wss:// 开头。</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="266" />
      <source>Give a token or the app secret for this server.</source>
      <translation>请填写此服务器的令牌或应用密钥。</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="297" />
      <source>No camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="299" />
      <source>No microphone</source>
      <translation>没有麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="301" />
      <source>No speaker</source>
      <translation>没有扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="417" />
      <source>Joining…</source>
      <translation>正在加入…</translation>
    </message>
  </context>
  <context>
    <name>ParticipantsPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="124" />
      <source>%1 (you)</source>
      <translation>%1（你）</translation>
    </message>
    <message numerus="yes">
      <location filename="../../app/ui/panels.py" line="127" />
      <source>In this call: %n</source>
      <translation>
        <numerusform>通话中：%n 人</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="49" />
      <source>Devices and settings</source>
      <translation>设备与设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="52" />
      <source>No camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="53" />
      <source>No microphone</source>
      <translation>没有麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="54" />
      <source>No speaker</source>
      <translation>没有扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="56" />
      <source>System language</source>
      <translation>跟随系统</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="61" />
      <source>A new language applies the next time Huddle starts.</source>
      <translation>新的语言将在下次启动 Huddle 时生效。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="65" />
      <source>Camera</source>
      <translation>摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="66" />
      <source>Microphone</source>
      <translation>麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="67" />
      <source>Speaker</source>
      <translation>扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="68" />
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="76" />
      <source>Check this computer</source>
      <translation>检查本机</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="78" />
      <source>Test the camera, microphone, codecs and a call over this computer's network</source>
      <translation>测试摄像头、麦克风、编解码器，并在本机网络上试一次通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="114" />
      <source>Checking devices and codecs…</source>
      <translation>正在检查设备和编解码器…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="115" />
      <source>Starting a test room service…</source>
      <translation>正在启动测试用的房间服务…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="116" />
      <source>Logging in…</source>
      <translation>正在登录…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="117" />
      <source>Sending a test picture and tone…</source>
      <translation>正在发送测试画面和声音…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="118" />
      <source>Receiving them over WebRTC…</source>
      <translation>正在通过 WebRTC 接收…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="119" />
      <source>Checking what arrives…</source>
      <translation>正在检查收到的内容…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="120" />
      <source>Cleaning up…</source>
      <translation>正在清理…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="139" />
      <source>All good: a test call worked (first picture after %1 ms, %2 fps).</source>
      <translation>一切正常：测试通话成功（首个画面用时 %1 毫秒，%2 帧/秒）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="144" />
      <source>no camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="145" />
      <source>no microphone</source>
      <translation>没有麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="149" />
      <source>Note: %1.</source>
      <translation>注意：%1。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="151" />
      <source>The check failed: %1</source>
      <translation>检查未通过：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="173" />
      <source>Cancel echo (speakers heard by the microphone)</source>
      <translation>消除回声（麦克风听到扬声器的声音）</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="174" />
      <source>Suppress background noise</source>
      <translation>抑制背景噪声</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="175" />
      <source>Even out my voice level</source>
      <translation>自动调节我的音量</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="176" />
      <source>I use a headset (no echo cancellation needed)</source>
      <translation>我使用耳机（无需回声消除）</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="181" />
      <source>Voice</source>
      <translation>语音</translation>
    </message>
  </context>
  <context>
    <name>StateBanner</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="60" />
      <source>Back to the join screen</source>
      <translation>返回加入页面</translation>
    </message>
  </context>
  <context>
    <name>Errors</name>
    <message>
      <source>Success.</source>
      <translation>成功。</translation>
    </message>
    <message>
      <source>The frame is not valid JSON.</source>
      <translation>该帧不是有效的 JSON。</translation>
    </message>
    <message>
      <source>The message does not match the protocol schema.</source>
      <translation>该消息不符合协议格式。</translation>
    </message>
    <message>
      <source>The message type is not one the service knows.</source>
      <translation>服务不认识该消息类型。</translation>
    </message>
    <message>
      <source>The frame is larger than 64 KB.</source>
      <translation>该帧超过 64 KB。</translation>
    </message>
    <message>
      <source>Log in to a room before sending this request.</source>
      <translation>请先登录房间再发送此请求。</translation>
    </message>
    <message>
      <source>This connection is already logged in to a room.</source>
      <translation>此连接已登录到一个房间。</translation>
    </message>
    <message>
      <source>The client speaks a protocol version the service does not.</source>
      <translation>客户端使用的协议版本不受服务支持。</translation>
    </message>
    <message>
      <source>Too many messages in a short time; this one was dropped.</source>
      <translation>短时间内消息过多，这条消息已被丢弃。</translation>
    </message>
    <message>
      <source>The connection sent too many bad or excess frames and was closed.</source>
      <translation>该连接发送了过多错误或多余的帧，已被关闭。</translation>
    </message>
    <message>
      <source>The service failed to handle the request.</source>
      <translation>服务处理请求失败。</translation>
    </message>
    <message>
      <source>No heartbeat arrived in time; the session was dropped.</source>
      <translation>未及时收到心跳，会话已断开。</translation>
    </message>
    <message>
      <source>The room service is shutting down.</source>
      <translation>房间服务正在关闭。</translation>
    </message>
    <message>
      <source>The client read too slowly and fell too far behind.</source>
      <translation>客户端读取太慢，积压过多。</translation>
    </message>
    <message>
      <source>The room ID must be 1 to 128 bytes of letters, digits and ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\.</source>
      <translation>房间 ID 须为 1 到 128 字节，只能包含字母、数字和 ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\。</translation>
    </message>
    <message>
      <source>The user ID must be 1 to 64 bytes of letters, digits and ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\.</source>
      <translation>用户 ID 须为 1 到 64 字节，只能包含字母、数字和 ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\。</translation>
    </message>
    <message>
      <source>The user name must be at most 256 bytes of UTF-8 with no control characters.</source>
      <translation>用户名最多 256 字节（UTF-8），且不能包含控制字符。</translation>
    </message>
    <message>
      <source>The stream ID must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -.</source>
      <translation>流 ID 须为 1 到 256 个字符，只能包含 A-Z、a-z、0-9、_ 和 -。</translation>
    </message>
    <message>
      <source>A message must be 1 to 1024 bytes of UTF-8.</source>
      <translation>消息须为 1 到 1024 字节（UTF-8）。</translation>
    </message>
    <message>
      <source>Stream extra info must be at most 1024 bytes of UTF-8.</source>
      <translation>流附加信息最多 1024 字节（UTF-8）。</translation>
    </message>
    <message>
      <source>The app ID is not the one this service serves.</source>
      <translation>该应用 ID 不是此服务所服务的应用。</translation>
    </message>
    <message>
      <source>A custom command names at most 100 valid user IDs.</source>
      <translation>自定义信令最多指定 100 个有效的用户 ID。</translation>
    </message>
    <message>
      <source>The token is not a well-formed Huddle token.</source>
      <translation>令牌格式不正确。</translation>
    </message>
    <message>
      <source>The token's signature does not match this service's secret.</source>
      <translation>令牌签名与此服务的密钥不匹配。</translation>
    </message>
    <message>
      <source>The token has expired.</source>
      <translation>令牌已过期。</translation>
    </message>
    <message>
      <source>The token was issued for another app ID.</source>
      <translation>该令牌是为其他应用 ID 签发的。</translation>
    </message>
    <message>
      <source>The token was issued for another user ID.</source>
      <translation>该令牌是为其他用户 ID 签发的。</translation>
    </message>
    <message>
      <source>The token was issued for another room.</source>
      <translation>该令牌是为其他房间签发的。</translation>
    </message>
    <message>
      <source>The token does not grant the right to log in.</source>
      <translation>该令牌没有登录权限。</translation>
    </message>
    <message>
      <source>The token does not grant the right to publish streams.</source>
      <translation>该令牌没有推流权限。</translation>
    </message>
    <message>
      <source>The token's issue time is in the future.</source>
      <translation>令牌的签发时间在未来。</translation>
    </message>
    <message>
      <source>The same user ID logged in elsewhere; this session was closed.</source>
      <translation>同一用户 ID 在别处登录，本会话已关闭。</translation>
    </message>
    <message>
      <source>The room has reached its user limit.</source>
      <translation>房间人数已达上限。</translation>
    </message>
    <message>
      <source>The room service closed this session.</source>
      <translation>房间服务关闭了此会话。</translation>
    </message>
    <message>
      <source>Another user is already publishing a stream with this ID.</source>
      <translation>已有其他用户在推送此 ID 的流。</translation>
    </message>
    <message>
      <source>No stream with this ID is being published in this room.</source>
      <translation>此房间中没有正在推送的该 ID 的流。</translation>
    </message>
    <message>
      <source>Only the publisher of a stream can change or stop it.</source>
      <translation>只有流的推送者才能修改或停止它。</translation>
    </message>
    <message>
      <source>A user can publish at most 8 streams at once.</source>
      <translation>一个用户最多同时推送 8 路流。</translation>
    </message>
    <message>
      <source>The stream could not be published.</source>
      <translation>无法推送该流。</translation>
    </message>
    <message>
      <source>No stream with this ID is being published by this engine.</source>
      <translation>此引擎没有在推送该 ID 的流。</translation>
    </message>
    <message>
      <source>The play session does not exist or has ended.</source>
      <translation>拉流会话不存在或已结束。</translation>
    </message>
    <message>
      <source>The stream could not be played.</source>
      <translation>无法拉取该流。</translation>
    </message>
    <message>
      <source>The publisher stopped the stream or left the room.</source>
      <translation>推流者已停止推流或离开了房间。</translation>
    </message>
    <message>
      <source>The player stopped playing the stream.</source>
      <translation>拉流者已停止拉流。</translation>
    </message>
    <message>
      <source>No stream with this ID is being played by this engine.</source>
      <translation>此引擎没有在拉取该 ID 的流。</translation>
    </message>
    <message>
      <source>The requested device does not exist.</source>
      <translation>所请求的设备不存在。</translation>
    </message>
    <message>
      <source>The device is in use by another program.</source>
      <translation>设备正被其他程序占用。</translation>
    </message>
    <message>
      <source>The device failed while capturing or playing.</source>
      <translation>设备在采集或播放时出错。</translation>
    </message>
    <message>
      <source>No camera is available; video is off.</source>
      <translation>没有可用的摄像头，视频已关闭。</translation>
    </message>
    <message>
      <source>No microphone is available; audio is off.</source>
      <translation>没有可用的麦克风，音频已关闭。</translation>
    </message>
    <message>
      <source>No speaker is available; remote audio is not played.</source>
      <translation>没有可用的扬声器，不播放远端声音。</translation>
    </message>
    <message>
      <source>Screen capture needs a graphical display.</source>
      <translation>屏幕共享需要图形显示环境。</translation>
    </message>
    <message>
      <source>The media file could not be opened or decoded.</source>
      <translation>无法打开或解码该媒体文件。</translation>
    </message>
    <message>
      <source>The video codec is not available on this machine.</source>
      <translation>本机不支持该视频编码。</translation>
    </message>
    <message>
      <source>The room service could not be reached.</source>
      <translation>无法连接到房间服务。</translation>
    </message>
    <message>
      <source>The room service did not answer in time.</source>
      <translation>房间服务没有及时响应。</translation>
    </message>
    <message>
      <source>The connection to the room service was lost.</source>
      <translation>与房间服务的连接已断开。</translation>
    </message>
    <message>
      <source>Reconnecting to the room service took too long; gave up.</source>
      <translation>重新连接房间服务耗时过长，已放弃。</translation>
    </message>
    <message>
      <source>The media connection to the other user failed.</source>
      <translation>与对方的媒体连接失败。</translation>
    </message>
    <message>
      <source>The engine has been destroyed.</source>
      <translation>引擎已被销毁。</translation>
    </message>
    <message>
      <source>The call is not allowed in the current state.</source>
      <translation>当前状态下不允许此操作。</translation>
    </message>
    <message>
      <source>An argument is out of range or of the wrong kind.</source>
      <translation>参数超出范围或类型错误。</translation>
    </message>
  </context>
</TS>