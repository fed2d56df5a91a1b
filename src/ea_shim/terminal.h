// One MetaTrader 5 terminal as the EA's core sees it, in C++: MQL5's file, time,
// socket, account and trading functions (the global functions below, named as MQL5
// names them) backed by POSIX files and sockets, the project's Clock and a fake trade
// server (ea_shim/trade_server.h). The functions act on the current Terminal
// (set_current); a test or mtguard-ea makes one per EA "process".
//
// Crash points: a fault plan makes a flush or an OrderSend throw ea_shim::Crash, the
// process "dies" there (Terminal::crash() then drops what was never flushed and
// releases the file locks), and the test starts a new EA on the same files.
#pragma once

#include <cstdint>
#include <cstdio>  // SEEK_END, as MQL5 spells it
#include <map>
#include <string>

#include "ea_shim/mql5.h"
#include "util/clock.h"
#include "util/fd.h"

namespace mtg::ea_shim {

// Thrown at a crash point; caught by the harness, never by the EA's core.
struct Crash {
  std::string where;
};

class TradeServer;

// Faults of the terminal's own machinery (the trade server has its own, TradeFaults).
struct TerminalFaults {
  int crash_at_flush = 0;          // crash at the Nth FileFlush from now (0 = never)
  size_t torn_flush_bytes = 0;     // bytes of that flush written before the crash
  int max_send_bytes = 0;          // SocketSend writes at most this much per call (0 = all)
  bool readable_when_empty = false;  // SocketIsReadable reports 1 on an empty buffer
};

class Terminal {
 public:
  // Files live under files_dir (MQL5\Files); both outlive the terminal.
  Terminal(std::string files_dir, const Clock& clock);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  const Clock& clock() const { return clock_; }
  TerminalFaults& faults() { return faults_; }
  const std::string& files_dir() const { return files_dir_; }
  // The trade server the terminal is logged in to (nullptr: no connection).
  void connect(TradeServer* server) { server_ = server; }
  TradeServer* server() const { return server_; }
  // The process dies: unflushed file buffers are lost, files and sockets closed.
  void crash();

  // For the MQL5 functions.
  struct OpenFile {
    Fd fd;
    std::string path;
    std::string unflushed;  // written by FileWriteArray, not yet flushed
  };
  std::map<int, OpenFile>& files() { return files_; }
  std::map<int, Fd>& sockets() { return sockets_; }
  int fresh_handle() { return next_handle_++; }
  int last_error = 0;

 private:
  std::string files_dir_;
  const Clock& clock_;
  TerminalFaults faults_;
  TradeServer* server_ = nullptr;
  std::map<int, OpenFile> files_;
  std::map<int, Fd> sockets_;
  int next_handle_ = 1;
};

// The terminal the MQL5 functions act on; precondition: one was set.
Terminal& current();
void set_current(Terminal* terminal);

}  // namespace mtg::ea_shim

// ---- MQL5: common ---------------------------------------------------------------------
inline constexpr int INVALID_HANDLE = -1;
int GetLastError();
void ResetLastError();
// Unix seconds of the project's clock (MQL5: the PC's UTC time).
datetime TimeGMT();
// Unix milliseconds of the project's clock (the EA's own helper in MQL5 is built on
// TimeGMT and GetTickCount64).
long MtgNowMs();
ulong GetTickCount64();
void Print(const string& a, const string& b = "", const string& c = "", const string& d = "");

// ---- MQL5: files (always binary here; MQL5\Files is files_dir) ------------------------
inline constexpr int FILE_READ = 1;
inline constexpr int FILE_WRITE = 2;
inline constexpr int FILE_BIN = 4;
inline constexpr int FILE_SHARE_READ = 128;
inline constexpr int FILE_SHARE_WRITE = 256;
inline constexpr int FILE_REWRITE = 512;
// Opens `name` under files_dir. FILE_WRITE creates it (truncated unless FILE_READ too);
// without FILE_SHARE_WRITE a writer holds an exclusive lock (flock): a second writer
// fails with 5004, as MT5 refuses to share the file.
int FileOpen(const string& name, int flags);
void FileClose(int handle);
ulong FileSize(int handle);
// Reads count bytes from the start into bytes[start...]; returns how many.
uint FileReadArray(int handle, MqlArray<uchar>& bytes, int start = 0, int count = WHOLE_ARRAY);
// Appends bytes[start, start + count) to the file's buffer (written out by FileFlush).
uint FileWriteArray(int handle, const MqlArray<uchar>& bytes, int start = 0, int count = WHOLE_ARRAY);
// Writes the buffer out and syncs it (a crash point, TerminalFaults::crash_at_flush).
void FileFlush(int handle);
// Writes go to the end of the file whatever the position; kept for the MQL5 spelling.
bool FileSeek(int handle, long offset, int origin);
bool FileMove(const string& src, int common_flag, const string& dst, int mode_flags);
bool FileIsExist(const string& name, int common_flag = 0);
bool FileDelete(const string& name, int common_flag = 0);
