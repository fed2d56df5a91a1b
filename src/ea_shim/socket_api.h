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
// 0..32767, seeded by MathSrand.
int MathRand();
void MathSrand(int seed);
