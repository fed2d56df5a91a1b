// The EA's side of the TCP link to the engine, on MQL5's client sockets: dials (the
// engine's address must be in the terminal's allowed list: Tools > Options > Expert
// Advisors; error 4014 otherwise), reads lines (SocketIsReadable may report bytes that
// are not there), sends every line whole (SocketSend may take part of a buffer; the
// NUL StringToCharArray adds is never sent), heartbeats, declares the engine dead
// after 5 heartbeats of silence, and redials with jittered backoff.
// With TLS (docs/mt5-setup.md "TLS") it runs SocketTlsHandshake after the connect and
// accepts the engine only when SocketTlsCertificate shows the pinned SHA-256
// thumbprint and an unexpired certificate: otherwise it says why and closes before the
// core says hello, so the token never leaves and the journal is untouched.
#ifndef MTGUARD_LINK_MQH
#define MTGUARD_LINK_MQH

#include <MtGuard/Backoff.mqh>
#include <MtGuard/Core.mqh>

#define MTG_HELLO_HEARTBEAT_MS 1000  // until a welcome says otherwise
#define MTG_CONNECT_TIMEOUT_MS 1000
#define MTG_MAX_UNSENT_BYTES 4194304
#define MTG_ERR_NETSOCKET_INVALIDHANDLE 5270
#define MTG_ERR_FUNCTION_NOT_ALLOWED 4014
#define MTG_MAX_TLS_READ_BYTES 65536

// A thumbprint as lower-case hex digits, without the ':' or ' ' people paste with it.
string MtgNormalThumbprint(const string &text) {
  string out = "";
  int n = StringLen(text);
  for (int i = 0; i < n; i++) {
    ushort c = StringGetCharacter(text, i);
    if (c == ':' || c == ' ') continue;
    if (c >= 'A' && c <= 'Z') c = (ushort)(c + 32);
    out += ShortToString(c);
  }
  return out;
}

// Whether the link may be dialled so: plaintext only to a loopback address (a token
// must never cross a network in the clear), TLS only with a thumbprint to pin.
bool MtgLinkSettingsValid(const string &host, bool tls, const string &thumbprint, string &why) {
  bool loopback = host == "localhost" || host == "::1" || StringFind(host, "127.") == 0;
  if (!tls && !loopback) {
    why = "EngineHost " + host + " is not a loopback address: set EngineTls = true and EngineThumbprint";
    return false;
  }
  if (tls && StringLen(MtgNormalThumbprint(thumbprint)) != 64) {
    why = "EngineThumbprint must be the 64 hex digits of the SHA-256 thumbprint mtguard link-cert printed";
    return false;
  }
  why = "";
  return true;
}

class MtGuardLink {
 private:
  int m_socket;
  string m_host;
  int m_port;
  bool m_tls;
  string m_thumbprint;  // normalized (MtgNormalThumbprint)
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
  // After the TLS handshake: "" when the engine's certificate is the pinned one and
  // valid now, else why it is refused.
  string CertificateRefusal() {
    string subject = "", issuer = "", serial = "", thumbprint = "";
    datetime expiration = 0;
    if (!SocketTlsCertificate(m_socket, subject, issuer, serial, thumbprint, expiration))
      return "the engine showed no certificate";
    string seen = MtgNormalThumbprint(thumbprint);
    if (seen != m_thumbprint)
      return "the engine's certificate (thumbprint " + seen + ") is not the pinned one (" + m_thumbprint + ")";
    if (expiration <= TimeGMT()) return "the engine's certificate has expired";
    return "";
  }
  // Secures a connected socket; false (said why) when the engine is refused.
  bool Secure() {
    if (!SocketTlsHandshake(m_socket, m_host)) {
      Print("MtGuard: TLS handshake with ", m_host, " failed, error ", IntegerToString(GetLastError()));
      return false;
    }
    string refusal = CertificateRefusal();
    if (refusal == "") return true;
    Print("MtGuard: refusing the engine at ", m_host, ": ", refusal);
    return false;
  }
  void Dial(MtGuardCore &core, long now_ms) {
    ResetLastError();
    m_socket = SocketCreate();
    if (m_socket != INVALID_HANDLE && SocketConnect(m_socket, m_host, m_port, MTG_CONNECT_TIMEOUT_MS)) {
      if (m_tls && !Secure()) {
        Close(core, now_ms, "engine refused");
        return;
      }
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
  // Bytes ready on the link into chunk: how many (0: none).
  int Receive(MTG_ARRAY_REF(uchar, chunk)) {
    if (m_tls) return SocketTlsReadAvailable(m_socket, chunk, MTG_MAX_TLS_READ_BYTES);
    uint readable = SocketIsReadable(m_socket);
    if (readable == 0) return 0;
    return SocketRead(m_socket, chunk, readable, 10);
  }
  void Read(MtGuardCore &core, long now_ms) {
    MTG_ARRAY(uchar, chunk);
    int got = Receive(chunk);
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
    int sent = m_tls ? SocketTlsSend(m_socket, m_out, n) : SocketSend(m_socket, m_out, n);
    if (sent <= 0) return;
    m_last_tx_ms = now_ms;
    for (int i = sent; i < n; i++) m_out[i - sent] = m_out[i];
    ArrayResize(m_out, n - sent);
  }

 public:
  MtGuardLink() : m_socket(INVALID_HANDLE), m_port(0), m_tls(false), m_last_rx_ms(0), m_last_tx_ms(0),
                  m_next_dial_ms(0), m_was_welcomed(false) {}
  // tls: dial with TLS and accept only the certificate with this SHA-256 thumbprint
  // (MtgLinkSettingsValid says whether the settings may be used).
  void Setup(const string &host, int port, bool tls, const string &thumbprint) {
    m_host = host;
    m_port = port;
    m_tls = tls;
    m_thumbprint = MtgNormalThumbprint(thumbprint);
  }
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
