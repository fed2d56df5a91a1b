#include "web/status_page.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mtg::web {
namespace {

SystemOverview overview_with(Table instances) {
  SystemOverview o;
  o.taken_at_ms = 1'700'000'000'000;
  for (const char* key : kOverviewKeys) o.sections.push_back({key, key, Table({"name"})});
  o.sections[2].table = std::move(instances);
  return o;
}

TEST(HtmlEscape, ReplacesEveryCharacterThatCouldOpenMarkup) {
  EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("plain demo-1"), "plain demo-1");
  EXPECT_EQ(html_escape(""), "");
}

TEST(StatusPage, EscapesEveryCellSoNoTextBecomesMarkup) {
  Table t({"instance", "reason"});
  t.add({"demo-1", "<script>alert('x')</script>"});
  const std::string page = render_status_page(overview_with(std::move(t)));
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
}

TEST(StatusPage, ShowsEachSectionAsATableWithItsKeyAsId) {
  Table t({"instance", "connected"});
  t.add({"demo-1", "yes"});
  t.add({"demo-2", "no"});
  const std::string page = render_status_page(overview_with(std::move(t)));
  EXPECT_NE(page.find("<table id=\"instances\">"), std::string::npos);
  EXPECT_NE(page.find("<td>demo-1</td><td class=\"yes\">yes</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>demo-2</td><td class=\"no\">no</td>"), std::string::npos);
  EXPECT_NE(page.find("<p class=\"empty\" id=\"stores\">none</p>"), std::string::npos);
}

TEST(StatusPage, NamesTheErrorOfASectionThatCouldNotBeRead) {
  SystemOverview o = overview_with(Table({"x"}));
  o.sections[0].table = Status::unavailable("redis 127.0.0.1:1: <refused>");
  const std::string page = render_status_page(o);
  EXPECT_NE(page.find("id=\"stores\">unavailable: "), std::string::npos);
  EXPECT_NE(page.find("&lt;refused&gt;"), std::string::npos);
}

TEST(StatusPage, LoadsNothingFromElsewhere) {
  const std::string page = render_status_page(overview_with(Table({"x"})));
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
}

TEST(OverviewJson, KeysRowsBySectionAndListsErrorsApart) {
  Table t({"instance", "connected"});
  t.add({"demo-1", "yes"});
  SystemOverview o = overview_with(std::move(t));
  o.sections[1].table = Status::unavailable("down");
  const nlohmann::json doc = overview_json(o);
  EXPECT_EQ(doc.at("instances").at(0).at("connected"), "yes");
  EXPECT_TRUE(doc.at("processes").empty());
  EXPECT_EQ(doc.at("errors").at("processes"), "unavailable: down");
  EXPECT_EQ(doc.at("taken_at"), 1'700'000'000'000);
}

}  // namespace
}  // namespace mtg::web
