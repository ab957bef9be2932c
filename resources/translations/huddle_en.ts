<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
  <context>
    <name>CallController</name>
    <message>
      <location filename="../../app/ui/call.py" line="151" />
      <source>Connecting to %1…</source>
      <translation>Connecting to %1…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="155" />
      <source>Connection lost. Reconnecting…</source>
      <translation>Connection lost. Reconnecting…</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="160" />
      <source>Could not reconnect: %1</source>
      <translation>Could not reconnect: %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call.py" line="165" />
      <source>You were removed from the call: %1</source>
      <translation>You were removed from the call: %1</translation>
    </message>
  </context>
  <context>
    <name>CallWindow</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="113" />
      <location filename="../../app/ui/call_window.py" line="171" />
      <source>Chat</source>
      <translation>Chat</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="115" />
      <location filename="../../app/ui/call_window.py" line="175" />
      <source>Participants</source>
      <translation>Participants</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="161" />
      <source>Microphone</source>
      <translation>Microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="164" />
      <source>Camera</source>
      <translation>Camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="167" />
      <source>Share screen</source>
      <translation>Share screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="178" />
      <source>Statistics</source>
      <translation>Statistics</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="181" />
      <source>Devices and settings</source>
      <translation>Devices and settings</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="184" />
      <source>Leave</source>
      <translation>Leave</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="187" />
      <source>Show or hide the chat</source>
      <translation>Show or hide the chat</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="188" />
      <source>Show or hide who is in the call</source>
      <translation>Show or hide who is in the call</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="190" />
      <source>Show resolution, frame rate, bitrate, round trip and loss on each video</source>
      <translation>Show resolution, frame rate, bitrate, round trip and loss on each video</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="192" />
      <source>Choose camera, microphone, speaker and language</source>
      <translation>Choose camera, microphone, speaker and language</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="193" />
      <source>Leave the call</source>
      <translation>Leave the call</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="194" />
      <source>Share your screen</source>
      <translation>Share your screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="199" />
      <source>Call controls</source>
      <translation>Call controls</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="237" />
      <source>Huddle — %1</source>
      <translation>Huddle — %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="239" />
      <source>Room %1 · you are %2</source>
      <translation>Room %1 · you are %2</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="267" />
      <source>Mute microphone</source>
      <translation>Mute microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="269" />
      <source>Unmute microphone</source>
      <translation>Unmute microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="278" />
      <source>Turn camera off</source>
      <translation>Turn camera off</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="280" />
      <source>Turn camera on</source>
      <translation>Turn camera on</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="288" />
      <source>No camera</source>
      <translation>No camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="290" />
      <location filename="../../app/ui/call_window.py" line="325" />
      <source>Camera off</source>
      <translation>Camera off</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="301" />
      <source>%1's screen</source>
      <translation>%1's screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="323" />
      <source>Audio only</source>
      <translation>Audio only</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="334" />
      <source>Your screen</source>
      <translation>Your screen</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="345" />
      <source>loss %1 %</source>
      <translation>loss %1 %</translation>
    </message>
    <message>
      <location filename="../../app/ui/call_window.py" line="414" />
      <source>You</source>
      <translation>You</translation>
    </message>
  </context>
  <context>
    <name>ChatPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="42" />
      <source>Message everyone</source>
      <translation>Message everyone</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="45" />
      <source>Barrage</source>
      <translation>Barrage</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="46" />
      <source>Send the message flying across everyone's video</source>
      <translation>Send the message flying across everyone's video</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="47" />
      <source>Send</source>
      <translation>Send</translation>
    </message>
    <message>
      <location filename="../../app/ui/panels.py" line="81" />
      <source>You</source>
      <translation>You</translation>
    </message>
  </context>
  <context>
    <name>Crash</name>
    <message>
      <location filename="../../app/ui/app.py" line="209" />
      <source>Huddle ran into a problem</source>
      <translation>Huddle ran into a problem</translation>
    </message>
    <message>
      <location filename="../../app/ui/app.py" line="210" />
      <source>Something went wrong inside Huddle. The details are saved in %1.</source>
      <translation>Something went wrong inside Huddle. The details are saved in %1.</translation>
    </message>
  </context>
  <context>
    <name>JoinDialog</name>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="58" />
      <source>Huddle — Join a call</source>
      <translation>Huddle — Join a call</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="68" />
      <source>Join a call</source>
      <translation>Join a call</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="77" />
      <source>e.g. standup</source>
      <translation>e.g. standup</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="80" />
      <source>How others see you</source>
      <translation>How others see you</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="83" />
      <source>This computer</source>
      <translation>This computer</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="86" />
      <source>A room service runs inside Huddle; other Huddle windows on this computer join it.</source>
      <translation>A room service runs inside Huddle; other Huddle windows on this computer join it.</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="89" />
      <source>Another server</source>
      <translation>Another server</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="98" />
      <source>Token</source>
      <translation>Token</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="99" />
      <source>App secret</source>
      <translation>App secret</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="104" />
      <source>Server URL</source>
      <translation>Server URL</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="105" />
      <source>App ID</source>
      <translation>App ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="109" />
      <source>Sign in with</source>
      <translation>Sign in with</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="116" />
      <source>Join with camera off</source>
      <translation>Join with camera off</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="117" />
      <source>Join with microphone muted</source>
      <translation>Join with microphone muted</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="119" />
      <location filename="../../app/ui/join_dialog.py" line="197" />
      <source>You</source>
      <translation>You</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="126" />
      <location filename="../../app/ui/join_dialog.py" line="347" />
      <source>Microphone level</source>
      <translation>Microphone level</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="133" />
      <location filename="../../app/ui/join_dialog.py" line="417" />
      <source>Join</source>
      <translation>Join</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="143" />
      <source>Room ID</source>
      <translation>Room ID</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="144" />
      <source>Your name</source>
      <translation>Your name</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="150" />
      <source>Server</source>
      <translation>Server</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="152" />
      <source>Camera</source>
      <translation>Camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="153" />
      <source>Microphone</source>
      <translation>Microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="154" />
      <source>Speaker</source>
      <translation>Speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="164" />
      <source>Settings</source>
      <translation>Settings</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="166" />
      <source>Language, and a check that this computer can call</source>
      <translation>Language, and a check that this computer can call</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="264" />
      <source>The server URL starts with ws:// or wss://.</source>
      <translation>The server URL starts with ws:// or wss://.</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="266" />
      <source>Give a token or the app secret for this server.</source>
      <translation>Give a token or the app secret for this server.</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="297" />
      <source>No camera</source>
      <translation>No camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="299" />
      <source>No microphone</source>
      <translation>No microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="301" />
      <source>No speaker</source>
      <translation>No speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/join_dialog.py" line="417" />
      <source>Joining…</source>
      <translation>Joining…</translation>
    </message>
  </context>
  <context>
    <name>ParticipantsPanel</name>
    <message>
      <location filename="../../app/ui/panels.py" line="124" />
      <source>%1 (you)</source>
      <translation>%1 (you)</translation>
    </message>
    <message numerus="yes">
      <location filename="../../app/ui/panels.py" line="127" />
      <source>In this call: %n</source>
      <translation>
        <numerusform>In this call: %n</numerusform>
        <numerusform>In this call: %n</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>SettingsDialog</name>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="49" />
      <source>Devices and settings</source>
      <translation>Devices and settings</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="52" />
      <source>No camera</source>
      <translation>No camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="53" />
      <source>No microphone</source>
      <translation>No microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="54" />
      <source>No speaker</source>
      <translation>No speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="56" />
      <source>System language</source>
      <translation>System language</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="61" />
      <source>A new language applies the next time Huddle starts.</source>
      <translation>A new language applies the next time Huddle starts.</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="65" />
      <source>Camera</source>
      <translation>Camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="66" />
      <source>Microphone</source>
      <translation>Microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="67" />
      <source>Speaker</source>
      <translation>Speaker</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="68" />
      <source>Language</source>
      <translation>Language</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="76" />
      <source>Check this computer</source>
      <translation>Check this computer</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="78" />
      <source>Test the camera, microphone, codecs and a call over this computer's network</source>
      <translation>Test the camera, microphone, codecs and a call over this computer's network</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="114" />
      <source>Checking devices and codecs…</source>
      <translation>Checking devices and codecs…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="115" />
      <source>Starting a test room service…</source>
      <translation>Starting a test room service…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="116" />
      <source>Logging in…</source>
      <translation>Logging in…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="117" />
      <source>Sending a test picture and tone…</source>
      <translation>Sending a test picture and tone…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="118" />
      <source>Receiving them over WebRTC…</source>
      <translation>Receiving them over WebRTC…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="119" />
      <source>Checking what arrives…</source>
      <translation>Checking what arrives…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="120" />
      <source>Cleaning up…</source>
      <translation>Cleaning up…</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="139" />
      <source>All good: a test call worked (first picture after %1 ms, %2 fps).</source>
      <translation>All good: a test call worked (first picture after %1 ms, %2 fps).</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="144" />
      <source>no camera</source>
      <translation>no camera</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="145" />
      <source>no microphone</source>
      <translation>no microphone</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="149" />
      <source>Note: %1.</source>
      <translation>Note: %1.</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="151" />
      <source>The check failed: %1</source>
      <translation>The check failed: %1</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="173" />
      <source>Cancel echo (speakers heard by the microphone)</source>
      <translation>Cancel echo (speakers heard by the microphone)</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="174" />
      <source>Suppress background noise</source>
      <translation>Suppress background noise</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="175" />
      <source>Even out my voice level</source>
      <translation>Even out my voice level</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="176" />
      <source>I use a headset (no echo cancellation needed)</source>
      <translation>I use a headset (no echo cancellation needed)</translation>
    </message>
    <message>
      <location filename="../../app/ui/settings_dialog.py" line="181" />
      <source>Voice</source>
      <translation>Voice</translation>
    </message>
  </context>
  <context>
    <name>StateBanner</name>
    <message>
      <location filename="../../app/ui/call_window.py" line="60" />
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
  </context>
</TS>