// MQL5's client sockets on POSIX TCP (blocking connect, then non-blocking I/O), for the
// current Terminal, with its faults: SocketSend taking part of a buffer, and
// SocketIsReadable reporting a byte that is not there. Every whole line read is also
// shown to the trade server (TradeServer::tap) so its ledger names the signal.
#pragma once

#include "ea_shim/mql5.h"

int SocketCreate(uint flags = 0);
bool SocketConnect(int socket, const string& server, uint port, uint timeout_receive_ms);
bool SocketIsConnected(int socket);
uint SocketIsReadable(int socket);
// Bytes sent (maybe fewer than len), -1 on an error.
int SocketSend(int socket, const MqlArray<uchar>& buffer, uint len);
// Bytes read into buffer (resized), 0 when none is there, -1 on an error.
int SocketRead(int socket, MqlArray<uchar>& buffer, uint len, uint timeout_ms);
bool SocketClose(int socket);
// MQL5's TLS over a connected socket, on OpenSSL (link/tls.h). The handshake blocks for
// at most a few seconds and checks nothing (error 5274 when it fails): the EA reads
// the certificate with SocketTlsCertificate and decides. The thumbprint is the SHA-256
// of the certificate in upper-case hex, serial and expiration as the certificate says.
bool SocketTlsHandshake(int socket, const string& host);
bool SocketTlsCertificate(int socket, string& subject, string& issuer, string& serial, string& thumbprint,
                          datetime& expiration);
// Bytes encrypted and sent (maybe fewer than len), -1 on an error.
int SocketTlsSend(int socket, const MqlArray<uchar>& buffer, uint len);
// Decrypted bytes read into buffer (resized), at most buffer_maxlen; 0 when none are
// there, -1 on an error or when the engine closed.
int SocketTlsReadAvailable(int socket, MqlArray<uchar>& buffer, uint buffer_maxlen);
// 0..32767, seeded by MathSrand.
int MathRand();
void MathSrand(int seed);
