<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name>CallController</name>
    <message>
      <location filename="../../app/ui/call.py" line="198" />
      <source>Connecting to %1…</source>
      <translation>正在连接 %1…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="202" />
      <source>Connection lost. Reconnecting…</source>
      <translation>连接已断开，正在重新连接…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="207" />
      <source>Could not reconnect: %1</source>
      <translation>无法重新连接：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="212" />
      <source>You were removed from the call: %1</source>
      <translation>你已被移出通话：%1</translation>
    </message>
  </context>
  <context>
    <name>CallWindow</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="181" />
      <source>You are muted. Press %1 to speak.</source>
      <translation>你已静音。按 %1 开始说话。</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="208" />
      <location filename="../../app/ui/call_window.py" line="336" />
      <location filename="../../app/ui/call_window.py" line="1089" />
      <source>Chat</source>
      <translation>聊天</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="210" />
      <location filename="../../app/ui/call_window.py" line="341" />
      <source>Participants</source>
      <translation>参会者</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="326" />
      <location filename="../../app/ui/call_window.py" line="474" />
      <source>Microphone</source>
      <translation>麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="329" />
      <location filename="../../app/ui/call_window.py" line="491" />
      <source>Camera</source>
      <translation>摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="332" />
      <source>Share screen</source>
      <translation>共享屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="344" />
      <source>Statistics</source>
      <translation>统计信息</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="347" />
      <source>Devices and settings</source>
      <translation>设备与设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="350" />
      <source>Leave</source>
      <translation>离开</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="356" />
      <location filename="../../app/ui/call_window.py" line="713" />
      <source>Raise hand</source>
      <translation>举手</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="372" />
      <source>Raise or lower your hand</source>
      <translation>举手或放下手</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="376" />
      <source>Show or hide the chat</source>
      <translation>显示或隐藏聊天</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="377" />
      <source>Show or hide who is in the call</source>
      <translation>显示或隐藏通话中的人</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="379" />
      <source>Show resolution, frame rate, bitrate, round trip and loss on each video</source>
      <translation>在每个视频上显示分辨率、帧率、码率、往返时延和丢包率</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="381" />
      <source>Choose camera, microphone, speaker and language</source>
      <translation>选择摄像头、麦克风、扬声器和语言</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="382" />
      <source>Leave the call</source>
      <translation>离开通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="168" />
      <source>Stop sharing</source>
      <translation>停止共享</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="353" />
      <location filename="../../app/ui/call_window.py" line="659" />
      <source>Record</source>
      <translation>录制</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="367" />
      <source>More</source>
      <translation>更多</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="370" />
      <source>Record, statistics, devices and settings</source>
      <translation>录制、统计信息、设备和设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="374" />
      <source>Record what you see and hear to your videos folder (everyone is told)</source>
      <translation>把你看到和听到的内容录制到“视频”文件夹（会通知所有人）</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="383" />
      <source>Share your screen or a window</source>
      <translation>共享屏幕或某个窗口</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="388" />
      <source>Call controls</source>
      <translation>通话控制</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="453" />
      <source>None found</source>
      <translation>未找到</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="470" />
      <location filename="../../app/ui/call_window.py" line="488" />
      <source>Looking for devices…</source>
      <translation>正在查找设备…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="480" />
      <source>Speaker</source>
      <translation>扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="511" />
      <source>React</source>
      <translation>表情回应</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="515" />
      <source>Send a reaction everyone sees on your video</source>
      <translation>发送一个所有人都能在你的画面上看到的表情</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="520" />
      <source>Copy room ID</source>
      <translation>复制房间 ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="522" />
      <source>Copy room link (opens Huddle)</source>
      <translation>复制房间链接（用 Huddle 打开）</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="524" />
      <source>Copy invite link (opens in a browser)</source>
      <translation>复制邀请链接（在浏览器中打开）</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="526" />
      <source>Invite</source>
      <translation>邀请</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="529" />
      <source>Copy the room ID or a link that joins this room</source>
      <translation>复制房间 ID 或加入此房间的链接</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="546" />
      <source>Copied: %1</source>
      <translation>已复制：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="552" />
      <source>Grid: everyone alike</source>
      <translation>宫格：每人一样大</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="553" />
      <source>Speaker: who talks, large</source>
      <translation>演讲者：发言人放大</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="563" />
      <location filename="../../app/ui/call_window.py" line="732" />
      <source>Hide self view</source>
      <translation>隐藏自己的画面</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="566" />
      <location filename="../../app/ui/call_window.py" line="729" />
      <source>Unpin</source>
      <translation>取消固定</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="569" />
      <source>View</source>
      <translation>视图</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="573" />
      <source>Grid or speaker view, hide your own video; double-click a video to pin it</source>
      <translation>宫格或演讲者视图，隐藏自己的画面；双击某个画面可将其固定</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="628" />
      <source>Stop recording</source>
      <translation>停止录制</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="632" />
      <source>Recording to %1</source>
      <translation>正在录制到 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="666" />
      <source>Recording saved to %1</source>
      <translation>录制已保存到 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="673" />
      <source>● Recording %1</source>
      <translation>● 录制中 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="681" />
      <source>%1 started recording the call</source>
      <translation>%1 开始录制通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="681" />
      <source>%1 stopped recording</source>
      <translation>%1 停止了录制</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="686" />
      <source>● Recorded by %1</source>
      <translation>● %1 正在录制</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="704" />
      <source>%1 raised their hand</source>
      <translation>%1 举手了</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="713" />
      <source>Lower hand</source>
      <translation>放下手</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="729" />
      <source>Pin for me</source>
      <translation>为我固定</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="745" />
      <source>Huddle — %1</source>
      <translation>Huddle — %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="747" />
      <source>Room %1 · you are %2</source>
      <translation>房间 %1 · 你的名字是 %2</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="778" />
      <source>Mute microphone</source>
      <translation>关闭麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="780" />
      <source>Unmute microphone</source>
      <translation>打开麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="789" />
      <source>Turn camera off</source>
      <translation>关闭摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="791" />
      <source>Turn camera on</source>
      <translation>打开摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="808" />
      <source>No camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="810" />
      <location filename="../../app/ui/call_window.py" line="867" />
      <source>Camera off</source>
      <translation>摄像头已关闭</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="821" />
      <source>%1's screen</source>
      <translation>%1 的屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="865" />
      <source>Audio only</source>
      <translation>仅音频</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="877" />
      <source>Your screen</source>
      <translation>你的屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="882" />
      <source>your screen</source>
      <translation>你的屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="884" />
      <source>the window “%1”</source>
      <translation>窗口“%1”</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="887" />
      <source>You are sharing %1 with everyone.</source>
      <translation>你正在向所有人共享%1。</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="903" />
      <source>loss %1 %</source>
      <translation>丢包 %1 %</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="916" />
      <source>network ~%1</source>
      <translation>网络 ~%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="919" />
      <source>jitter %1</source>
      <translation>抖动缓冲 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="920" />
      <source>decode %1</source>
      <translation>解码 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="923" />
      <source>lip sync %1</source>
      <translation>音画同步 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="926" />
      <source>paint %1</source>
      <translation>绘制 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="932" />
      <source>latency ≈ %1 ms:</source>
      <translation>延迟 ≈ %1 毫秒：</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="936" />
      <source>~ estimate (RTT/2); capture→sent is the sender's</source>
      <translation>~ 为估算（RTT/2）；采集→发送在发送端</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="940" />
      <source>voice after picture %1 ms</source>
      <translation>声音晚于画面 %1 ms</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1000" />
      <source>Waiting for video…</source>
      <translation>正在等待视频…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1009" />
      <source>Reconnecting…</source>
      <translation>正在重新连接…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1009" />
      <source>Not connected</source>
      <translation>未连接</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1096" />
      <source>%1 joined</source>
      <translation>%1 加入了通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1100" />
      <source>%1 left</source>
      <translation>%1 离开了通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1118" />
      <source>You</source>
      <translation>你</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1135" />
      <source>Leave the call?</source>
      <translation>离开通话？</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1136" />
      <source>Closing this window leaves the call and quits Huddle.</source>
      <translation>关闭此窗口会离开通话并退出 Huddle。</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1141" />
      <source>Leave and quit</source>
      <translation>离开并退出</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1143" />
      <source>Stay in the call</source>
      <translation>留在通话中</translation>
    </message>
  </context>
  <context>
    <name>ChatPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="44" />
      <source>Message everyone</source>
      <translation>给所有人发消息</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="47" />
      <source>Barrage</source>
      <translation>弹幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="48" />
      <source>Send the message flying across everyone's video</source>
      <translation>让消息以弹幕形式飘过所有人的视频</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="49" />
      <source>Send</source>
      <translation>发送</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="83" />
      <source>You</source>
      <translation>你</translation>
    </message>
  </context>
  <context>
    <name>Crash</name>
    <message>
      <location filename="../../app/ui/app.py" line="270" />
      <source>Huddle ran into a problem</source>
      <translation>Huddle 遇到了问题</translation>
    </message>
    <message>
      <location filename="../../app/ui/app.py" line="271" />
      <source>Something went wrong inside Huddle. The details are saved in %1.</source>
      <translation>Huddle 内部出错了，详细信息已保存在 %1。</translation>
    </message>
  </context>
  <context>
    <name>CrashReportDialog</name>
    <message>
      <location filename="../../app/ui/crash.py" line="146" />
      <source>Huddle closed unexpectedly</source>
      <translation>Huddle 意外关闭</translation>
    </message>
    <message>
      <location filename="../../app/ui/crash.py" line="151" />
      <source>Huddle closed unexpectedly the last time it ran. A report was saved in %1. Sending it to whoever looks after your Huddle helps them fix it.</source>
      <translation>Huddle 上次运行时意外关闭。报告已保存在 %1。把它发给负责维护 Huddle 的人，可以帮助他们修复问题。</translation>
    </message>
    <message>
      <location filename="../../app/ui/crash.py" line="165" />
      <source>Show the report</source>
      <translation>查看报告</translation>
    </message>
    <message>
      <location filename="../../app/ui/crash.py" line="167" />
      <source>Open its folder</source>
      <translation>打开所在文件夹</translation>
    </message>
  </context>
  <context>
    <name>Devices</name>
    <message>
      <location filename="../../app/ui/devices.py" line="78" />
      <source>System default</source>
      <translation>系统默认</translation>
    </message>
    <message>
      <location filename="../../app/ui/devices.py" line="80" />
      <source>Sound server</source>
      <translation>声音服务器</translation>
    </message>
  </context>
  <context>
    <name>JoinDialog</name>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="59" />
      <source>Huddle — Join a call</source>
      <translation>Huddle — 加入通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="69" />
      <source>Join a call</source>
      <translation>加入通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="78" />
      <source>e.g. standup</source>
      <translation>例如 standup</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="81" />
      <source>How others see you</source>
      <translation>其他人看到的名字</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="84" />
      <source>This computer</source>
      <translation>本机</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="87" />
      <source>A room service runs inside Huddle; other Huddle windows on this computer join it.</source>
      <translation>房间服务运行在 Huddle 内部；本机上的其他 Huddle 窗口会加入它。</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="90" />
      <source>Another server</source>
      <translation>其他服务器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="99" />
      <source>Token</source>
      <translation>令牌</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="100" />
      <source>App secret</source>
      <translation>应用密钥</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="105" />
      <source>Server URL</source>
      <translation>服务器地址</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="106" />
      <source>App ID</source>
      <translation>应用 ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="110" />
      <source>Sign in with</source>
      <translation>登录方式</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="117" />
      <source>Join with camera off</source>
      <translation>加入时关闭摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="118" />
      <source>Join with microphone muted</source>
      <translation>加入时关闭麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="120" />
      <location filename="../../app/ui/join_dialog.py" line="212" />
      <source>You</source>
      <translation>你</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="127" />
      <location filename="../../app/ui/join_dialog.py" line="365" />
      <source>Microphone level</source>
      <translation>麦克风音量</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="134" />
      <source>Rejoin</source>
      <translation>重新加入</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="147" />
      <location filename="../../app/ui/join_dialog.py" line="457" />
      <source>Join</source>
      <translation>加入</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="157" />
      <source>Room ID</source>
      <translation>房间 ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="158" />
      <source>Your name</source>
      <translation>你的名字</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="164" />
      <source>Server</source>
      <translation>服务器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="166" />
      <source>Camera</source>
      <translation>摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="167" />
      <source>Microphone</source>
      <translation>麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="168" />
      <source>Speaker</source>
      <translation>扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="179" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="181" />
      <source>Language, and a check that this computer can call</source>
      <translation>语言设置，以及检查本机能否通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="279" />
      <source>The server URL starts with ws:// or wss://.</source>
      <translation>服务器地址以 ws:// 或 wss:// 开头。</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="281" />
      <source>Give a token or the app secret for this server.</source>
      <translation>请填写此服务器的令牌或应用密钥。</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="312" />
      <source>No camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="314" />
      <source>No microphone</source>
      <translation>没有麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="316" />
      <source>No speaker</source>
      <translation>没有扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="442" />
      <source>You left %1.</source>
      <translation>你已离开 %1。</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="457" />
      <source>Joining…</source>
      <translation>正在加入…</translation>
    </message>
  </context>
  <context>
    <name>ParticipantRow</name>
    <message>
      <location filename="../../app/ui/panels.py" line="127" />
      <source>Recording the call</source>
      <translation>正在录制通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="129" />
      <source>Microphone on</source>
      <translation>麦克风已开启</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="129" />
      <source>Muted</source>
      <translation>已静音</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="131" />
      <source>Camera on</source>
      <translation>摄像头已开启</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="131" />
      <source>Camera off</source>
      <translation>摄像头已关闭</translation>
    </message>
  </context>
  <context>
    <name>ParticipantsPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="193" />
      <source>%1 (you)</source>
      <translation>%1（你）</translation>
    </message>
    <message numerus="yes">
      <location filename="../../app/ui/panels.py" line="207" />
      <source>In this call: %n</source>
      <translation>
        <numerusform>通话中：%n 人</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ScreenPicker</name>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="143" />
      <source>Share your screen</source>
      <translation>共享屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="148" />
      <source>Entire screen</source>
      <translation>整个屏幕</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="149" />
      <source>Window</source>
      <translation>窗口</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="150" />
      <source>Huddle's own windows are never shown to the others.</source>
      <translation>Huddle 自己的窗口永远不会展示给其他人。</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="154" />
      <source>Share</source>
      <translation>共享</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="193" />
      <source>Screen %1 (%2)</source>
      <translation>屏幕 %1（%2）</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="60" />
      <source>Devices and settings</source>
      <translation>设备与设置</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="63" />
      <source>No camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="64" />
      <source>No microphone</source>
      <translation>没有麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="65" />
      <source>No speaker</source>
      <translation>没有扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="67" />
      <source>System language</source>
      <translation>跟随系统</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="72" />
      <source>A new language applies the next time Huddle starts.</source>
      <translation>新的语言将在下次启动 Huddle 时生效。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="76" />
      <source>Test</source>
      <translation>测试</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="77" />
      <source>Play a short tone on this speaker</source>
      <translation>在此扬声器上播放一段短提示音</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="90" />
      <source>Play soft sounds when people join, leave, write or raise a hand</source>
      <translation>有人加入、离开、发消息或举手时播放轻柔的提示音</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="94" />
      <source>Camera</source>
      <translation>摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="95" />
      <source>Microphone</source>
      <translation>麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="96" />
      <source>Speaker</source>
      <translation>扬声器</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="98" />
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="100" />
      <source>Notifications</source>
      <translation>通知</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="108" />
      <source>Check this computer</source>
      <translation>检查本机</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="110" />
      <source>Test the camera, microphone, codecs and a call over this computer's network</source>
      <translation>测试摄像头、麦克风、编解码器，并在本机网络上试一次通话</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="132" />
      <source>Export diagnostics</source>
      <translation>导出诊断信息</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="134" />
      <source>Save the last call's timeline, quality samples and logs in a zip for support</source>
      <translation>将上一次通话的时间线、质量采样和日志保存为 zip 文件，供技术支持使用</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="180" />
      <source>Playing a tone on %1…</source>
      <translation>正在 %1 上播放提示音…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="190" />
      <source>Did you hear three rising notes? If not, choose another speaker.</source>
      <translation>听到三个逐渐升高的音了吗？如果没有，请换一个扬声器。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="192" />
      <source>The speaker did not play.</source>
      <translation>扬声器没有播放声音。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="200" />
      <source>Saved to %1</source>
      <translation>已保存到 %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="218" />
      <source>Checking devices and codecs…</source>
      <translation>正在检查设备和编解码器…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="219" />
      <source>Starting a test room service…</source>
      <translation>正在启动测试用的房间服务…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="220" />
      <source>Logging in…</source>
      <translation>正在登录…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="221" />
      <source>Sending a test picture and tone…</source>
      <translation>正在发送测试画面和声音…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="222" />
      <source>Receiving them over WebRTC…</source>
      <translation>正在通过 WebRTC 接收…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="223" />
      <source>Checking what arrives…</source>
      <translation>正在检查收到的内容…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="224" />
      <source>Cleaning up…</source>
      <translation>正在清理…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="248" />
      <source>All good: a test call worked (first picture after %1 ms, %2 fps).</source>
      <translation>一切正常：测试通话成功（首个画面用时 %1 毫秒，%2 帧/秒）。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="253" />
      <source>no camera</source>
      <translation>没有摄像头</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="254" />
      <source>no microphone</source>
      <translation>没有麦克风</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="258" />
      <source>Note: %1.</source>
      <translation>注意：%1。</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="260" />
      <source>The check failed: %1</source>
      <translation>检查未通过：%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="283" />
      <source>Cancel echo (speakers heard by the microphone)</source>
      <translation>消除回声（麦克风听到扬声器的声音）</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="284" />
      <source>Suppress background noise</source>
      <translation>抑制背景噪声</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="285" />
      <source>Even out my voice level</source>
      <translation>自动调节我的音量</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="286" />
      <source>I use a headset (no echo cancellation needed)</source>
      <translation>我使用耳机（无需回声消除）</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="287" />
      <source>Send nothing while I am silent (saves data)</source>
      <translation>我不说话时不发送（节省流量）</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="292" />
      <source>Voice</source>
      <translation>语音</translation>
    </message>
  </context>
  <context>
    <name>StateBanner</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="107" />
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
      <source>Web pages from this origin may not connect to the room service (its operator can allow it with --allow-origin).</source>
      <translation>来自此来源的网页不得连接房间服务（服务运营者可用 --allow-origin 允许）。</translation>
    </message>
    <message>
      <source>The connection did not log in to a room in time and was closed.</source>
      <translation>该连接未能及时登录房间，已被关闭。</translation>
    </message>
    <message>
      <source>The room service has too many connections open, in total or from this address; try again later.</source>
      <translation>房间服务的连接数已达上限（总数或来自此地址的连接数），请稍后再试。</translation>
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
      <source>The token lives longer than this service allows (24 hours unless its operator changed it); mint one with a shorter lifetime.</source>
      <translation>令牌的有效期超过本服务允许的上限（默认 24 小时）；请生成有效期更短的令牌。</translation>
    </message>
    <message>
      <source>The token was already used to log in, and this service accepts each token once.</source>
      <translation>该令牌已用于登录，本服务每个令牌只接受一次。</translation>
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
      <source>A login may re-announce at most 64 play sessions (see docs/protocol.md, resuming).</source>
      <translation>一次登录最多可重新声明 64 个播放会话（见 docs/protocol.md 的“恢复”一节）。</translation>
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
      <source>The room's media server (Janus) cannot be reached; media cannot flow until it is back.</source>
      <translation>无法连接房间的媒体服务器（Janus）；在它恢复之前音视频无法传输。</translation>
    </message>
    <message>
      <source>The media server (Janus) did not answer in time.</source>
      <translation>媒体服务器（Janus）未及时响应。</translation>
    </message>
    <message>
      <source>The media server (Janus) refused the media session.</source>
      <translation>媒体服务器（Janus）拒绝了该媒体会话。</translation>
    </message>
    <message>
      <source>The media server (Janus) closed the media connection.</source>
      <translation>媒体服务器（Janus）关闭了媒体连接。</translation>
    </message>
    <message>
      <source>The publisher's media did not reach the media server in time.</source>
      <translation>发布者的音视频未能及时到达媒体服务器。</translation>
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
      <source>Echo cancellation and noise suppression are not available (the livekit package is missing); the microphone is sent unprocessed.</source>
      <translation>回声消除和噪声抑制不可用（缺少 livekit 软件包），麦克风的声音未经处理直接发送。</translation>
    </message>
    <message>
      <source>The browser or the user refused access to the camera or microphone.</source>
      <translation>浏览器或用户拒绝了对摄像头或麦克风的访问。</translation>
    </message>
    <message>
      <source>The browser blocked sound and video until the user clicks on the page.</source>
      <translation>在用户点击页面之前，浏览器阻止了声音和视频。</translation>
    </message>
    <message>
      <source>The recording could not be written to its file.</source>
      <translation>录制内容无法写入文件。</translation>
    </message>
    <message>
      <source>The diagnostics file could not be written.</source>
      <translation>无法写入诊断文件。</translation>
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
    <message>
      <source>The program on this computer's room service port could not prove it is your Huddle room service, so nothing was sent to it.</source>
      <translation>占用本机房间服务端口的程序无法证明它是你的 Huddle 房间服务，因此未向其发送任何内容。</translation>
    </message>
    <message>
      <source>The room service's TLS certificate could not be verified; give the CA file that signed it.</source>
      <translation>无法验证房间服务的 TLS 证书；请提供签发该证书的 CA 文件。</translation>
    </message>
    <message>
      <source>This browser lacks WebRTC or WebSockets.</source>
      <translation>此浏览器不支持 WebRTC 或 WebSocket。</translation>
    </message>
    <message>
      <source>Camera and microphone need a secure page: https://, or http://localhost or 127.0.0.1.</source>
      <translation>摄像头和麦克风需要安全页面：https://，或 http://localhost 或 127.0.0.1。</translation>
    </message>
    <message>
      <source>This room service does not mint tokens for browsers; get one from the app's backend.</source>
      <translation>此房间服务不为浏览器生成令牌；请从应用的后端获取。</translation>
    </message>
    <message>
      <source>Development tokens are given only to same-origin requests for this service's own host.</source>
      <translation>开发令牌只发给对本服务自身主机的同源请求。</translation>
    </message>
    <message>
      <source>The link is not a Huddle join link (huddle://join?room=ROOM&amp;server=ws://HOST:PORT/ws).</source>
      <translation>该链接不是 Huddle 加入链接（huddle://join?room=房间&amp;server=ws://主机:端口/ws）。</translation>
    </message>
  </context>
</TS>