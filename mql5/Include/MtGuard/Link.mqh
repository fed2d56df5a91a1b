// The EA's side of the TCP link to the engine, on MQL5's client sockets: dials (the
// engine's address must be in the terminal's allowed list: Tools > Options > Expert
// Advisors; error 4014 otherwise), reads lines (SocketIsReadable may report bytes that
// are not there), sends every line whole (SocketSend may take part of a buffer; the
// NUL StringToCharArray adds is never sent), heartbeats, declares the engine dead
// after 5 heartbeats of silence, and redials with jittered backoff.
#ifndef MTGUARD_LINK_MQH
#define MTGUARD_LINK_MQH

#include <MtGuard/Backoff.mqh>
#include <MtGuard/Core.mqh>

#define MTG_HELLO_HEARTBEAT_MS 1000  // until a welcome says otherwise
#define MTG_CONNECT_TIMEOUT_MS 1000
#define MTG_MAX_UNSENT_BYTES 4194304
#define MTG_ERR_NETSOCKET_INVALIDHANDLE 5270
#define MTG_ERR_FUNCTION_NOT_ALLOWED 4014

class MtGuardLink {
 private:
  int m_socket;
  string m_host;
  int m_port;
  MTG_ARRAY(uchar, m_in);   // bytes read, not yet a whole line
  MTG_ARRAY(uchar, m_out);  // bytes to send
  long m_last_rx_ms;
  long m_last_tx_ms;
  long m_next_dial_ms;
  bool m_was_welcomed;
  Backoff m_backoff;

  void Close(MtGuardCore &core, long now_ms, const string &why) {
    if (m_socket != INVALID_HANDLE) {
      SocketClose(m_socket);
      Print("MtGuard: link closed: ", why);
    }
    m_socket = INVALID_HANDLE;
    ArrayResize(m_in, 0);
    ArrayResize(m_out, 0);
    core.OnDisconnected();
    m_was_welcomed = false;
    m_next_dial_ms = now_ms + m_backoff.NextWaitMs(MathRand());
  }
  void Dial(MtGuardCore &core, long now_ms) {
    ResetLastError();
    m_socket = SocketCreate();
    if (m_socket != INVALID_HANDLE && SocketConnect(m_socket, m_host, m_port, MTG_CONNECT_TIMEOUT_MS)) {
      m_last_rx_ms = now_ms;
      m_last_tx_ms = now_ms;
      core.OnConnected();
      return;
    }
    if (GetLastError() == MTG_ERR_FUNCTION_NOT_ALLOWED)
      Print("MtGuard: sockets are not allowed: add ", m_host, " to Tools > Options > Expert Advisors");
    Close(core, now_ms, "cannot connect to " + m_host + ":" + IntegerToString(m_port));
  }
  // Splits what was read into lines for the core; false on a line over the limit.
  bool DeliverLines(MtGuardCore &core) {
    int begin = 0;
    int n = ArraySize(m_in);
    for (int i = 0; i < n; i++) {
      if (m_in[i] != '\n') continue;
      core.OnLine(m_in, begin, i);
      begin = i + 1;
    }
    int rest = n - begin;
    for (int i = 0; i < rest; i++) m_in[i] = m_in[begin + i];
    ArrayResize(m_in, rest);
    return rest < MTG_MAX_LINE_BYTES;
  }
  void Read(MtGuardCore &core, long now_ms) {
    uint readable = SocketIsReadable(m_socket);
    if (readable == 0) return;
    MTG_ARRAY(uchar, chunk);
    int got = SocketRead(m_socket, chunk, readable, 10);
    if (got <= 0) return;
    m_last_rx_ms = now_ms;
    int n = ArraySize(m_in);
    ArrayResize(m_in, n + got, 4096);
    for (int i = 0; i < got; i++) m_in[n + i] = chunk[i];
    if (!DeliverLines(core)) Close(core, now_ms, "line longer than 65536 bytes");
  }
  void Queue(const string &line) {
    MTG_ARRAY(uchar, bytes);
    int size = StringToCharArray(line, bytes, 0, WHOLE_ARRAY, CP_UTF8) - 1;  // no NUL
    int n = ArraySize(m_out);
    ArrayResize(m_out, n + size + 1, 4096);
    for (int i = 0; i < size; i++) m_out[n + i] = bytes[i];
    m_out[n + size] = '\n';
  }
  void Write(long now_ms) {
    int n = ArraySize(m_out);
    if (n == 0) return;
    int sent = SocketSend(m_socket, m_out, n);
    if (sent <= 0) return;
    m_last_tx_ms = now_ms;
    for (int i = sent; i < n; i++) m_out[i - sent] = m_out[i];
    ArrayResize(m_out, n - sent);
  }

 public:
  MtGuardLink() : m_socket(INVALID_HANDLE), m_port(0), m_last_rx_ms(0), m_last_tx_ms(0), m_next_dial_ms(0),
                  m_was_welcomed(false) {}
  void Setup(const string &host, int port) { m_host = host; m_port = port; }
  bool Connected() const { return m_socket != INVALID_HANDLE; }

  // One turn: dial when due, read and hand over lines, heartbeat, send, and close on
  // silence, on the core's request or when the peer went away. now_ms: a monotonic clock.
  void Poll(MtGuardCore &core, long now_ms) {
    if (m_socket == INVALID_HANDLE) {
      if (now_ms >= m_next_dial_ms) Dial(core, now_ms);
      if (m_socket == INVALID_HANDLE) return;
    }
    Read(core, now_ms);
    if (m_socket == INVALID_HANDLE) return;
    if (core.Welcomed() && !m_was_welcomed) m_backoff.Reset();
    m_was_welcomed = core.Welcomed();
    int heartbeat_ms = core.Welcomed() ? core.HeartbeatMs() : MTG_HELLO_HEARTBEAT_MS;
    if (core.Welcomed() && now_ms - m_last_tx_ms >= heartbeat_ms) core.QueueHeartbeat();
    MTG_ARRAY(string, lines);
    core.TakeOutbox(lines);
    for (int i = 0; i < ArraySize(lines); i++) Queue(lines[i]);
    Write(now_ms);
    if (ArraySize(m_out) > MTG_MAX_UNSENT_BYTES) Close(core, now_ms, "the engine does not read");
    else if (now_ms - m_last_rx_ms > 5 * heartbeat_ms) Close(core, now_ms, "heartbeat timeout");
    else if (core.CloseRequested() && ArraySize(m_out) == 0) Close(core, now_ms, "protocol error or engine error");
    else if (!SocketIsConnected(m_socket)) Close(core, now_ms, "the engine closed the connection");
  }
  void Shutdown(MtGuardCore &core, long now_ms) { Close(core, now_ms, "EA stopped"); }
};

#endif
