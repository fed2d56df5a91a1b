#include "backend_channel/backend_liveness.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mtg {
namespace {

ProcessIdentity self() {
  auto id = ProcessIdentity::self();
  EXPECT_TRUE(id.is_ok()) << id.status().to_string();
  return id ? *id : ProcessIdentity{};
}

// A pid that named a process of this machine a moment ago and names none now.
pid_t reaped_child() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  EXPECT_EQ(waitpid(child, nullptr, 0), child);
  return child;
}

TEST(ProcessIdentityTest, RoundTripsThroughItsJson) {
  const ProcessIdentity me = self();
  auto back = ProcessIdentity::from_json(me.to_json());
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->boot_id, me.boot_id);
  EXPECT_EQ(back->pid_namespace, me.pid_namespace);
  EXPECT_EQ(back->pid, me.pid);
  EXPECT_EQ(back->start_ticks, me.start_ticks);
}

TEST(ProcessIdentityTest, WhatIsNotItsJsonIsCorruption) {
  EXPECT_EQ(ProcessIdentity::from_json("queued").status().code(), Code::kCorruption);
  EXPECT_EQ(ProcessIdentity::from_json(R"({"pid":1})").status().code(), Code::kCorruption);
  EXPECT_EQ(ProcessIdentity::from_json(R"({"boot_id":"b","pid_ns":"n","pid":0,"start":1})").status().code(),
            Code::kCorruption);
}

TEST(LocalProcessAliveTest, ThisProcessIsAlive) { EXPECT_EQ(local_process_alive(self()), std::optional<bool>(true)); }

TEST(LocalProcessAliveTest, AReapedProcessIsGone) {
  ProcessIdentity gone = self();
  gone.pid = reaped_child();
  EXPECT_EQ(local_process_alive(gone), std::optional<bool>(false));
}

TEST(LocalProcessAliveTest, AReusedPidIsAnotherProcess) {
  ProcessIdentity earlier = self();
  earlier.start_ticks -= 1;  // the same pid, started at another time
  EXPECT_EQ(local_process_alive(earlier), std::optional<bool>(false));
}

TEST(LocalProcessAliveTest, AProcessOfAnotherMachineCannotBeSeen) {
  ProcessIdentity remote = self();
  remote.boot_id = "another machine";
  EXPECT_EQ(local_process_alive(remote), std::nullopt);
  ProcessIdentity contained = self();
  contained.pid_namespace = "pid:[1]";
  EXPECT_EQ(local_process_alive(contained), std::nullopt);
}

TEST(LeaseVouchesTest, OnlyALeaseOfALiveOrUnseenProcessVouches) {
  EXPECT_FALSE(lease_vouches(std::nullopt)) << "no lease";
  EXPECT_FALSE(lease_vouches(std::string("garbage")));
  EXPECT_TRUE(lease_vouches(self().to_json()));
  ProcessIdentity gone = self();
  gone.pid = reaped_child();
  EXPECT_FALSE(lease_vouches(gone.to_json()));
  ProcessIdentity remote = self();
  remote.boot_id = "another machine";
  EXPECT_TRUE(lease_vouches(remote.to_json())) << "a remote process is trusted while its lease lives";
}

}  // namespace
}  // namespace mtg
