// A fresh directory for one test, removed with everything in it at the end of the test.
#pragma once

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>

namespace testutil {

class TempDir
{
public:
  explicit TempDir(const std::string& base = "/tmp")
  {
    std::string name = base + "/shoal-test-XXXXXX";
    REQUIRE(::mkdtemp(name.data()) != nullptr);
    m_path = name;
  }
  ~TempDir() { std::filesystem::remove_all(m_path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return m_path; }
  std::string file(const std::string& name) const { return m_path + "/" + name; }

  // The names of the files in the directory.
  std::set<std::string> names() const
  {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(m_path))
      out.insert(e.path().filename().string());
    return out;
  }

private:
  std::string m_path;
};

} // namespace testutil
