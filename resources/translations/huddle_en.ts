<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
  <context>
    <name>CallController</name>
    <message>
      <location filename="../../app/ui/call.py" line="198" />
      <source>Connecting to %1…</source>
      <translation>Connecting to %1…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="202" />
      <source>Connection lost. Reconnecting…</source>
      <translation>Connection lost. Reconnecting…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="207" />
      <source>Could not reconnect: %1</source>
      <translation>Could not reconnect: %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="212" />
      <source>You were removed from the call: %1</source>
      <translation>You were removed from the call: %1</translation>
    </message>
  </context>
  <context>
    <name>CallWindow</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="181" />
      <source>You are muted. Press %1 to speak.</source>
      <translation>You are muted. Press %1 to speak.</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="208" />
      <location filename="../../app/ui/call_window.py" line="336" />
      <location filename="../../app/ui/call_window.py" line="1089" />
      <source>Chat</source>
      <translation>Chat</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="210" />
      <location filename="../../app/ui/call_window.py" line="341" />
      <source>Participants</source>
      <translation>Participants</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="326" />
      <location filename="../../app/ui/call_window.py" line="474" />
      <source>Microphone</source>
      <translation>Microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="329" />
      <location filename="../../app/ui/call_window.py" line="491" />
      <source>Camera</source>
      <translation>Camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="332" />
      <source>Share screen</source>
      <translation>Share screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="344" />
      <source>Statistics</source>
      <translation>Statistics</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="347" />
      <source>Devices and settings</source>
      <translation>Devices and settings</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="350" />
      <source>Leave</source>
      <translation>Leave</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="356" />
      <location filename="../../app/ui/call_window.py" line="713" />
      <source>Raise hand</source>
      <translation>Raise hand</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="372" />
      <source>Raise or lower your hand</source>
      <translation>Raise or lower your hand</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="376" />
      <source>Show or hide the chat</source>
      <translation>Show or hide the chat</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="377" />
      <source>Show or hide who is in the call</source>
      <translation>Show or hide who is in the call</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="379" />
      <source>Show resolution, frame rate, bitrate, round trip and loss on each video</source>
      <translation>Show resolution, frame rate, bitrate, round trip and loss on each video</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="381" />
      <source>Choose camera, microphone, speaker and language</source>
      <translation>Choose camera, microphone, speaker and language</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="382" />
      <source>Leave the call</source>
      <translation>Leave the call</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="168" />
      <source>Stop sharing</source>
      <translation>Stop sharing</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="353" />
      <location filename="../../app/ui/call_window.py" line="659" />
      <source>Record</source>
      <translation>Record</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="367" />
      <source>More</source>
      <translation>More</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="370" />
      <source>Record, statistics, devices and settings</source>
      <translation>Record, statistics, devices and settings</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="374" />
      <source>Record what you see and hear to your videos folder (everyone is told)</source>
      <translation>Record what you see and hear to your videos folder (everyone is told)</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="383" />
      <source>Share your screen or a window</source>
      <translation>Share your screen or a window</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="388" />
      <source>Call controls</source>
      <translation>Call controls</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="453" />
      <source>None found</source>
      <translation>None found</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="470" />
      <location filename="../../app/ui/call_window.py" line="488" />
      <source>Looking for devices…</source>
      <translation>Looking for devices…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="480" />
      <source>Speaker</source>
      <translation>Speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="511" />
      <source>React</source>
      <translation>React</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="515" />
      <source>Send a reaction everyone sees on your video</source>
      <translation>Send a reaction everyone sees on your video</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="520" />
      <source>Copy room ID</source>
      <translation>Copy room ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="522" />
      <source>Copy room link (opens Huddle)</source>
      <translation>Copy room link (opens Huddle)</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="524" />
      <source>Copy invite link (opens in a browser)</source>
      <translation>Copy invite link (opens in a browser)</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="526" />
      <source>Invite</source>
      <translation>Invite</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="529" />
      <source>Copy the room ID or a link that joins this room</source>
      <translation>Copy the room ID or a link that joins this room</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="546" />
      <source>Copied: %1</source>
      <translation>Copied: %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="552" />
      <source>Grid: everyone alike</source>
      <translation>Grid: everyone alike</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="553" />
      <source>Speaker: who talks, large</source>
      <translation>Speaker: who talks, large</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="563" />
      <location filename="../../app/ui/call_window.py" line="732" />
      <source>Hide self view</source>
      <translation>Hide self view</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="566" />
      <location filename="../../app/ui/call_window.py" line="729" />
      <source>Unpin</source>
      <translation>Unpin</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="569" />
      <source>View</source>
      <translation>View</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="573" />
      <source>Grid or speaker view, hide your own video; double-click a video to pin it</source>
      <translation>Grid or speaker view, hide your own video; double-click a video to pin it</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="628" />
      <source>Stop recording</source>
      <translation>Stop recording</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="632" />
      <source>Recording to %1</source>
      <translation>Recording to %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="666" />
      <source>Recording saved to %1</source>
      <translation>Recording saved to %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="673" />
      <source>● Recording %1</source>
      <translation>● Recording %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="681" />
      <source>%1 started recording the call</source>
      <translation>%1 started recording the call</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="681" />
      <source>%1 stopped recording</source>
      <translation>%1 stopped recording</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="686" />
      <source>● Recorded by %1</source>
      <translation>● Recorded by %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="704" />
      <source>%1 raised their hand</source>
      <translation>%1 raised their hand</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="713" />
      <source>Lower hand</source>
      <translation>Lower hand</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="729" />
      <source>Pin for me</source>
      <translation>Pin for me</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="745" />
      <source>Huddle — %1</source>
      <translation>Huddle — %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="747" />
      <source>Room %1 · you are %2</source>
      <translation>Room %1 · you are %2</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="778" />
      <source>Mute microphone</source>
      <translation>Mute microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="780" />
      <source>Unmute microphone</source>
      <translation>Unmute microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="789" />
      <source>Turn camera off</source>
      <translation>Turn camera off</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="791" />
      <source>Turn camera on</source>
      <translation>Turn camera on</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="808" />
      <source>No camera</source>
      <translation>No camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="810" />
      <location filename="../../app/ui/call_window.py" line="867" />
      <source>Camera off</source>
      <translation>Camera off</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="821" />
      <source>%1's screen</source>
      <translation>%1's screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="865" />
      <source>Audio only</source>
      <translation>Audio only</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="877" />
      <source>Your screen</source>
      <translation>Your screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="882" />
      <source>your screen</source>
      <translation>your screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="884" />
      <source>the window “%1”</source>
      <translation>the window “%1”</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="887" />
      <source>You are sharing %1 with everyone.</source>
      <translation>You are sharing %1 with everyone.</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="903" />
      <source>loss %1 %</source>
      <translation>loss %1 %</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="916" />
      <source>network ~%1</source>
      <translation>network ~%1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="919" />
      <source>jitter %1</source>
      <translation>jitter %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="920" />
      <source>decode %1</source>
      <translation>decode %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="923" />
      <source>lip sync %1</source>
      <translation>lip sync %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="926" />
      <source>paint %1</source>
      <translation>paint %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="932" />
      <source>latency ≈ %1 ms:</source>
      <translation>latency ≈ %1 ms:</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="936" />
      <source>~ estimate (RTT/2); capture→sent is the sender's</source>
      <translation>~ estimate (RTT/2); capture→sent is the sender's</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="940" />
      <source>voice after picture %1 ms</source>
      <translation>voice after picture %1 ms</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1000" />
      <source>Waiting for video…</source>
      <translation>Waiting for video…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1009" />
      <source>Reconnecting…</source>
      <translation>Reconnecting…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1009" />
      <source>Not connected</source>
      <translation>Not connected</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1096" />
      <source>%1 joined</source>
      <translation>%1 joined</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1100" />
      <source>%1 left</source>
      <translation>%1 left</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1118" />
      <source>You</source>
      <translation>You</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1135" />
      <source>Leave the call?</source>
      <translation>Leave the call?</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1136" />
      <source>Closing this window leaves the call and quits Huddle.</source>
      <translation>Closing this window leaves the call and quits Huddle.</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1141" />
      <source>Leave and quit</source>
      <translation>Leave and quit</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="1143" />
      <source>Stay in the call</source>
      <translation>Stay in the call</translation>
    </message>
  </context>
  <context>
    <name>ChatPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="44" />
      <source>Message everyone</source>
      <translation>Message everyone</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="47" />
      <source>Barrage</source>
      <translation>Barrage</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="48" />
      <source>Send the message flying across everyone's video</source>
      <translation>Send the message flying across everyone's video</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="49" />
      <source>Send</source>
      <translation>Send</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="83" />
      <source>You</source>
      <translation>You</translation>
    </message>
  </context>
  <context>
    <name>Crash</name>
    <message>
      <location filename="../../app/ui/app.py" line="270" />
      <source>Huddle ran into a problem</source>
      <translation>Huddle ran into a problem</translation>
    </message>
    <message>
      <location filename="../../app/ui/app.py" line="271" />
      <source>Something went wrong inside Huddle. The details are saved in %1.</source>
      <translation>Something went wrong inside Huddle. The details are saved in %1.</translation>
    </message>
  </context>
  <context>
    <name>CrashReportDialog</name>
    <message>
      <location filename="../../app/ui/crash.py" line="146" />
      <source>Huddle closed unexpectedly</source>
      <translation>Huddle closed unexpectedly</translation>
    </message>
    <message>
      <location filename="../../app/ui/crash.py" line="151" />
      <source>Huddle closed unexpectedly the last time it ran. A report was saved in %1. Sending it to whoever looks after your Huddle helps them fix it.</source>
      <translation>Huddle closed unexpectedly the last time it ran. A report was saved in %1. Sending it to whoever looks after your Huddle helps them fix it.</translation>
    </message>
    <message>
      <location filename="../../app/ui/crash.py" line="165" />
      <source>Show the report</source>
      <translation>Show the report</translation>
    </message>
    <message>
      <location filename="../../app/ui/crash.py" line="167" />
      <source>Open its folder</source>
      <translation>Open its folder</translation>
    </message>
  </context>
  <context>
    <name>Devices</name>
    <message>
      <location filename="../../app/ui/devices.py" line="78" />
      <source>System default</source>
      <translation>System default</translation>
    </message>
    <message>
      <location filename="../../app/ui/devices.py" line="80" />
      <source>Sound server</source>
      <translation>Sound server</translation>
    </message>
  </context>
  <context>
    <name>JoinDialog</name>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="59" />
      <source>Huddle — Join a call</source>
      <translation>Huddle — Join a call</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="69" />
      <source>Join a call</source>
      <translation>Join a call</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="78" />
      <source>e.g. standup</source>
      <translation>e.g. standup</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="81" />
      <source>How others see you</source>
      <translation>How others see you</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="84" />
      <source>This computer</source>
      <translation>This computer</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="87" />
      <source>A room service runs inside Huddle; other Huddle windows on this computer join it.</source>
      <translation>A room service runs inside Huddle; other Huddle windows on this computer join it.</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="90" />
      <source>Another server</source>
      <translation>Another server</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="99" />
      <source>Token</source>
      <translation>Token</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="100" />
      <source>App secret</source>
      <translation>App secret</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="105" />
      <source>Server URL</source>
      <translation>Server URL</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="106" />
      <source>App ID</source>
      <translation>App ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="110" />
      <source>Sign in with</source>
      <translation>Sign in with</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="117" />
      <source>Join with camera off</source>
      <translation>Join with camera off</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="118" />
      <source>Join with microphone muted</source>
      <translation>Join with microphone muted</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="120" />
      <location filename="../../app/ui/join_dialog.py" line="212" />
      <source>You</source>
      <translation>You</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="127" />
      <location filename="../../app/ui/join_dialog.py" line="365" />
      <source>Microphone level</source>
      <translation>Microphone level</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="134" />
      <source>Rejoin</source>
      <translation>Rejoin</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="147" />
      <location filename="../../app/ui/join_dialog.py" line="457" />
      <source>Join</source>
      <translation>Join</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="157" />
      <source>Room ID</source>
      <translation>Room ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="158" />
      <source>Your name</source>
      <translation>Your name</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="164" />
      <source>Server</source>
      <translation>Server</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="166" />
      <source>Camera</source>
      <translation>Camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="167" />
      <source>Microphone</source>
      <translation>Microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="168" />
      <source>Speaker</source>
      <translation>Speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="179" />
      <source>Settings</source>
      <translation>Settings</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="181" />
      <source>Language, and a check that this computer can call</source>
      <translation>Language, and a check that this computer can call</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="279" />
      <source>The server URL starts with ws:// or wss://.</source>
      <translation>The server URL starts with ws:// or wss://.</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="281" />
      <source>Give a token or the app secret for this server.</source>
      <translation>Give a token or the app secret for this server.</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="312" />
      <source>No camera</source>
      <translation>No camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="314" />
      <source>No microphone</source>
      <translation>No microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="316" />
      <source>No speaker</source>
      <translation>No speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="442" />
      <source>You left %1.</source>
      <translation>You left %1.</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="457" />
      <source>Joining…</source>
      <translation>Joining…</translation>
    </message>
  </context>
  <context>
    <name>ParticipantRow</name>
    <message>
      <location filename="../../app/ui/panels.py" line="127" />
      <source>Recording the call</source>
      <translation>Recording the call</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="129" />
      <source>Microphone on</source>
      <translation>Microphone on</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="129" />
      <source>Muted</source>
      <translation>Muted</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="131" />
      <source>Camera on</source>
      <translation>Camera on</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="131" />
      <source>Camera off</source>
      <translation>Camera off</translation>
    </message>
  </context>
  <context>
    <name>ParticipantsPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="193" />
      <source>%1 (you)</source>
      <translation>%1 (you)</translation>
    </message>
    <message numerus="yes">
      <location filename="../../app/ui/panels.py" line="207" />
      <source>In this call: %n</source>
      <translation>
        <numerusform>In this call: %n</numerusform>
        <numerusform>In this call: %n</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ScreenPicker</name>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="143" />
      <source>Share your screen</source>
      <translation>Share your screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="148" />
      <source>Entire screen</source>
      <translation>Entire screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="149" />
      <source>Window</source>
      <translation>Window</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="150" />
      <source>Huddle's own windows are never shown to the others.</source>
      <translation>Huddle's own windows are never shown to the others.</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="154" />
      <source>Share</source>
      <translation>Share</translation>
    </message>
    <message>
      <location filename="../../app/ui/screen_picker.py" line="193" />
      <source>Screen %1 (%2)</source>
      <translation>Screen %1 (%2)</translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="60" />
      <source>Devices and settings</source>
      <translation>Devices and settings</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="63" />
      <source>No camera</source>
      <translation>No camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="64" />
      <source>No microphone</source>
      <translation>No microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="65" />
      <source>No speaker</source>
      <translation>No speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="67" />
      <source>System language</source>
      <translation>System language</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="72" />
      <source>A new language applies the next time Huddle starts.</source>
      <translation>A new language applies the next time Huddle starts.</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="76" />
      <source>Test</source>
      <translation>Test</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="77" />
      <source>Play a short tone on this speaker</source>
      <translation>Play a short tone on this speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="90" />
      <source>Play soft sounds when people join, leave, write or raise a hand</source>
      <translation>Play soft sounds when people join, leave, write or raise a hand</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="94" />
      <source>Camera</source>
      <translation>Camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="95" />
      <source>Microphone</source>
      <translation>Microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="96" />
      <source>Speaker</source>
      <translation>Speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="98" />
      <source>Language</source>
      <translation>Language</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="100" />
      <source>Notifications</source>
      <translation>Notifications</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="108" />
      <source>Check this computer</source>
      <translation>Check this computer</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="110" />
      <source>Test the camera, microphone, codecs and a call over this computer's network</source>
      <translation>Test the camera, microphone, codecs and a call over this computer's network</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="132" />
      <source>Export diagnostics</source>
      <translation>Export diagnostics</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="134" />
      <source>Save the last call's timeline, quality samples and logs in a zip for support</source>
      <translation>Save the last call's timeline, quality samples and logs in a zip for support</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="180" />
      <source>Playing a tone on %1…</source>
      <translation>Playing a tone on %1…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="190" />
      <source>Did you hear three rising notes? If not, choose another speaker.</source>
      <translation>Did you hear three rising notes? If not, choose another speaker.</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="192" />
      <source>The speaker did not play.</source>
      <translation>The speaker did not play.</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="200" />
      <source>Saved to %1</source>
      <translation>Saved to %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="218" />
      <source>Checking devices and codecs…</source>
      <translation>Checking devices and codecs…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="219" />
      <source>Starting a test room service…</source>
      <translation>Starting a test room service…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="220" />
      <source>Logging in…</source>
      <translation>Logging in…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="221" />
      <source>Sending a test picture and tone…</source>
      <translation>Sending a test picture and tone…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="222" />
      <source>Receiving them over WebRTC…</source>
      <translation>Receiving them over WebRTC…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="223" />
      <source>Checking what arrives…</source>
      <translation>Checking what arrives…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="224" />
      <source>Cleaning up…</source>
      <translation>Cleaning up…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="248" />
      <source>All good: a test call worked (first picture after %1 ms, %2 fps).</source>
      <translation>All good: a test call worked (first picture after %1 ms, %2 fps).</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="253" />
      <source>no camera</source>
      <translation>no camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="254" />
      <source>no microphone</source>
      <translation>no microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="258" />
      <source>Note: %1.</source>
      <translation>Note: %1.</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="260" />
      <source>The check failed: %1</source>
      <translation>The check failed: %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="283" />
      <source>Cancel echo (speakers heard by the microphone)</source>
      <translation>Cancel echo (speakers heard by the microphone)</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="284" />
      <source>Suppress background noise</source>
      <translation>Suppress background noise</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="285" />
      <source>Even out my voice level</source>
      <translation>Even out my voice level</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="286" />
      <source>I use a headset (no echo cancellation needed)</source>
      <translation>I use a headset (no echo cancellation needed)</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="287" />
      <source>Send nothing while I am silent (saves data)</source>
      <translation>Send nothing while I am silent (saves data)</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="292" />
      <source>Voice</source>
      <translation>Voice</translation>
    </message>
  </context>
  <context>
    <name>StateBanner</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="107" />
      <source>Back to the join screen</source>
      <translation>Back to the join screen</translation>
    </message>
  </context>
  <context>
    <name>Errors</name>
    <message>
      <source>Success.</source>
      <translation>Success.</translation>
    </message>
    <message>
      <source>The frame is not valid JSON.</source>
      <translation>The frame is not valid JSON.</translation>
    </message>
    <message>
      <source>The message does not match the protocol schema.</source>
      <translation>The message does not match the protocol schema.</translation>
    </message>
    <message>
      <source>The message type is not one the service knows.</source>
      <translation>The message type is not one the service knows.</translation>
    </message>
    <message>
      <source>The frame is larger than 64 KB.</source>
      <translation>The frame is larger than 64 KB.</translation>
    </message>
    <message>
      <source>Log in to a room before sending this request.</source>
      <translation>Log in to a room before sending this request.</translation>
    </message>
    <message>
      <source>This connection is already logged in to a room.</source>
      <translation>This connection is already logged in to a room.</translation>
    </message>
    <message>
      <source>The client speaks a protocol version the service does not.</source>
      <translation>The client speaks a protocol version the service does not.</translation>
    </message>
    <message>
      <source>Too many messages in a short time; this one was dropped.</source>
      <translation>Too many messages in a short time; this one was dropped.</translation>
    </message>
    <message>
      <source>The connection sent too many bad or excess frames and was closed.</source>
      <translation>The connection sent too many bad or excess frames and was closed.</translation>
    </message>
    <message>
      <source>The service failed to handle the request.</source>
      <translation>The service failed to handle the request.</translation>
    </message>
    <message>
      <source>No heartbeat arrived in time; the session was dropped.</source>
      <translation>No heartbeat arrived in time; the session was dropped.</translation>
    </message>
    <message>
      <source>The room service is shutting down.</source>
      <translation>The room service is shutting down.</translation>
    </message>
    <message>
      <source>The client read too slowly and fell too far behind.</source>
      <translation>The client read too slowly and fell too far behind.</translation>
    </message>
    <message>
      <source>Web pages from this origin may not connect to the room service (its operator can allow it with --allow-origin).</source>
      <translation>Web pages from this origin may not connect to the room service (its operator can allow it with --allow-origin).</translation>
    </message>
    <message>
      <source>The connection did not log in to a room in time and was closed.</source>
      <translation>The connection did not log in to a room in time and was closed.</translation>
    </message>
    <message>
      <source>The room service has too many connections open, in total or from this address; try again later.</source>
      <translation>The room service has too many connections open, in total or from this address; try again later.</translation>
    </message>
    <message>
      <source>The room ID must be 1 to 128 bytes of letters, digits and ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\.</source>
      <translation>The room ID must be 1 to 128 bytes of letters, digits and ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\.</translation>
    </message>
    <message>
      <source>The user ID must be 1 to 64 bytes of letters, digits and ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\.</source>
      <translation>The user ID must be 1 to 64 bytes of letters, digits and ~!@#$%^&amp;*()_+=-`;',.&lt;&gt;/\.</translation>
    </message>
    <message>
      <source>The user name must be at most 256 bytes of UTF-8 with no control characters.</source>
      <translation>The user name must be at most 256 bytes of UTF-8 with no control characters.</translation>
    </message>
    <message>
      <source>The stream ID must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -.</source>
      <translation>The stream ID must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -.</translation>
    </message>
    <message>
      <source>A message must be 1 to 1024 bytes of UTF-8.</source>
      <translation>A message must be 1 to 1024 bytes of UTF-8.</translation>
    </message>
    <message>
      <source>Stream extra info must be at most 1024 bytes of UTF-8.</source>
      <translation>Stream extra info must be at most 1024 bytes of UTF-8.</translation>
    </message>
    <message>
      <source>The app ID is not the one this service serves.</source>
      <translation>The app ID is not the one this service serves.</translation>
    </message>
    <message>
      <source>A custom command names at most 100 valid user IDs.</source>
      <translation>A custom command names at most 100 valid user IDs.</translation>
    </message>
    <message>
      <source>The token is not a well-formed Huddle token.</source>
      <translation>The token is not a well-formed Huddle token.</translation>
    </message>
    <message>
      <source>The token's signature does not match this service's secret.</source>
      <translation>The token's signature does not match this service's secret.</translation>
    </message>
    <message>
      <source>The token has expired.</source>
      <translation>The token has expired.</translation>
    </message>
    <message>
      <source>The token was issued for another app ID.</source>
      <translation>The token was issued for another app ID.</translation>
    </message>
    <message>
      <source>The token was issued for another user ID.</source>
      <translation>The token was issued for another user ID.</translation>
    </message>
    <message>
      <source>The token was issued for another room.</source>
      <translation>The token was issued for another room.</translation>
    </message>
    <message>
      <source>The token does not grant the right to log in.</source>
      <translation>The token does not grant the right to log in.</translation>
    </message>
    <message>
      <source>The token does not grant the right to publish streams.</source>
      <translation>The token does not grant the right to publish streams.</translation>
    </message>
    <message>
      <source>The token's issue time is in the future.</source>
      <translation>The token's issue time is in the future.</translation>
    </message>
    <message>
      <source>The token lives longer than this service allows (24 hours unless its operator changed it); mint one with a shorter lifetime.</source>
      <translation>The token lives longer than this service allows (24 hours unless its operator changed it); mint one with a shorter lifetime.</translation>
    </message>
    <message>
      <source>The token was already used to log in, and this service accepts each token once.</source>
      <translation>The token was already used to log in, and this service accepts each token once.</translation>
    </message>
    <message>
      <source>The same user ID logged in elsewhere; this session was closed.</source>
      <translation>The same user ID logged in elsewhere; this session was closed.</translation>
    </message>
    <message>
      <source>The room has reached its user limit.</source>
      <translation>The room has reached its user limit.</translation>
    </message>
    <message>
      <source>The room service closed this session.</source>
      <translation>The room service closed this session.</translation>
    </message>
    <message>
      <source>A login may re-announce at most 64 play sessions (see docs/protocol.md, resuming).</source>
      <translation>A login may re-announce at most 64 play sessions (see docs/protocol.md, resuming).</translation>
    </message>
    <message>
      <source>Another user is already publishing a stream with this ID.</source>
      <translation>Another user is already publishing a stream with this ID.</translation>
    </message>
    <message>
      <source>No stream with this ID is being published in this room.</source>
      <translation>No stream with this ID is being published in this room.</translation>
    </message>
    <message>
      <source>Only the publisher of a stream can change or stop it.</source>
      <translation>Only the publisher of a stream can change or stop it.</translation>
    </message>
    <message>
      <source>A user can publish at most 8 streams at once.</source>
      <translation>A user can publish at most 8 streams at once.</translation>
    </message>
    <message>
      <source>The stream could not be published.</source>
      <translation>The stream could not be published.</translation>
    </message>
    <message>
      <source>No stream with this ID is being published by this engine.</source>
      <translation>No stream with this ID is being published by this engine.</translation>
    </message>
    <message>
      <source>The play session does not exist or has ended.</source>
      <translation>The play session does not exist or has ended.</translation>
    </message>
    <message>
      <source>The stream could not be played.</source>
      <translation>The stream could not be played.</translation>
    </message>
    <message>
      <source>The publisher stopped the stream or left the room.</source>
      <translation>The publisher stopped the stream or left the room.</translation>
    </message>
    <message>
      <source>The player stopped playing the stream.</source>
      <translation>The player stopped playing the stream.</translation>
    </message>
    <message>
      <source>No stream with this ID is being played by this engine.</source>
      <translation>No stream with this ID is being played by this engine.</translation>
    </message>
    <message>
      <source>The room's media server (Janus) cannot be reached; media cannot flow until it is back.</source>
      <translation>The room's media server (Janus) cannot be reached; media cannot flow until it is back.</translation>
    </message>
    <message>
      <source>The media server (Janus) did not answer in time.</source>
      <translation>The media server (Janus) did not answer in time.</translation>
    </message>
    <message>
      <source>The media server (Janus) refused the media session.</source>
      <translation>The media server (Janus) refused the media session.</translation>
    </message>
    <message>
      <source>The media server (Janus) closed the media connection.</source>
      <translation>The media server (Janus) closed the media connection.</translation>
    </message>
    <message>
      <source>The publisher's media did not reach the media server in time.</source>
      <translation>The publisher's media did not reach the media server in time.</translation>
    </message>
    <message>
      <source>The requested device does not exist.</source>
      <translation>The requested device does not exist.</translation>
    </message>
    <message>
      <source>The device is in use by another program.</source>
      <translation>The device is in use by another program.</translation>
    </message>
    <message>
      <source>The device failed while capturing or playing.</source>
      <translation>The device failed while capturing or playing.</translation>
    </message>
    <message>
      <source>No camera is available; video is off.</source>
      <translation>No camera is available; video is off.</translation>
    </message>
    <message>
      <source>No microphone is available; audio is off.</source>
      <translation>No microphone is available; audio is off.</translation>
    </message>
    <message>
      <source>No speaker is available; remote audio is not played.</source>
      <translation>No speaker is available; remote audio is not played.</translation>
    </message>
    <message>
      <source>Screen capture needs a graphical display.</source>
      <translation>Screen capture needs a graphical display.</translation>
    </message>
    <message>
      <source>The media file could not be opened or decoded.</source>
      <translation>The media file could not be opened or decoded.</translation>
    </message>
    <message>
      <source>The video codec is not available on this machine.</source>
      <translation>The video codec is not available on this machine.</translation>
    </message>
    <message>
      <source>Echo cancellation and noise suppression are not available (the livekit package is missing); the microphone is sent unprocessed.</source>
      <translation>Echo cancellation and noise suppression are not available (the livekit package is missing); the microphone is sent unprocessed.</translation>
    </message>
    <message>
      <source>The browser or the user refused access to the camera or microphone.</source>
      <translation>The browser or the user refused access to the camera or microphone.</translation>
    </message>
    <message>
      <source>The browser blocked sound and video until the user clicks on the page.</source>
      <translation>The browser blocked sound and video until the user clicks on the page.</translation>
    </message>
    <message>
      <source>The recording could not be written to its file.</source>
      <translation>The recording could not be written to its file.</translation>
    </message>
    <message>
      <source>The diagnostics file could not be written.</source>
      <translation>The diagnostics file could not be written.</translation>
    </message>
    <message>
      <source>The room service could not be reached.</source>
      <translation>The room service could not be reached.</translation>
    </message>
    <message>
      <source>The room service did not answer in time.</source>
      <translation>The room service did not answer in time.</translation>
    </message>
    <message>
      <source>The connection to the room service was lost.</source>
      <translation>The connection to the room service was lost.</translation>
    </message>
    <message>
      <source>Reconnecting to the room service took too long; gave up.</source>
      <translation>Reconnecting to the room service took too long; gave up.</translation>
    </message>
    <message>
      <source>The media connection to the other user failed.</source>
      <translation>The media connection to the other user failed.</translation>
    </message>
    <message>
      <source>The engine has been destroyed.</source>
      <translation>The engine has been destroyed.</translation>
    </message>
    <message>
      <source>The call is not allowed in the current state.</source>
      <translation>The call is not allowed in the current state.</translation>
    </message>
    <message>
      <source>An argument is out of range or of the wrong kind.</source>
      <translation>An argument is out of range or of the wrong kind.</translation>
    </message>
    <message>
      <source>The program on this computer's room service port could not prove it is your Huddle room service, so nothing was sent to it.</source>
      <translation>The program on this computer's room service port could not prove it is your Huddle room service, so nothing was sent to it.</translation>
    </message>
    <message>
      <source>The room service's TLS certificate could not be verified; give the CA file that signed it.</source>
      <translation>The room service's TLS certificate could not be verified; give the CA file that signed it.</translation>
    </message>
    <message>
      <source>This browser lacks WebRTC or WebSockets.</source>
      <translation>This browser lacks WebRTC or WebSockets.</translation>
    </message>
    <message>
      <source>Camera and microphone need a secure page: https://, or http://localhost or 127.0.0.1.</source>
      <translation>Camera and microphone need a secure page: https://, or http://localhost or 127.0.0.1.</translation>
    </message>
    <message>
      <source>This room service does not mint tokens for browsers; get one from the app's backend.</source>
      <translation>This room service does not mint tokens for browsers; get one from the app's backend.</translation>
    </message>
    <message>
      <source>Development tokens are given only to same-origin requests for this service's own host.</source>
      <translation>Development tokens are given only to same-origin requests for this service's own host.</translation>
    </message>
    <message>
      <source>The link is not a Huddle join link (huddle://join?room=ROOM&amp;server=ws://HOST:PORT/ws).</source>
      <translation>The link is not a Huddle join link (huddle://join?room=ROOM&amp;server=ws://HOST:PORT/ws).</translation>
    </message>
  </context>
</TS>