// Re-executing with glibc.malloc.hugetlb=1 (glibc reads tunables only at start-up).
#include "huge_pages.hpp"

#include <climits>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace shoal::dhtnode {

void
use_huge_pages(char** argv)
{
  const char* current = std::getenv("GLIBC_TUNABLES");
  if (current && std::strstr(current, "glibc.malloc.hugetlb"))
    return; // set by the operator (or by us, before the exec)
  std::string tunables = current && *current ? std::string(current) + ":" : std::string();
  tunables += "glibc.malloc.hugetlb=1";
  // The real path, not /proc/self/exe, so that the process keeps its name (ps, the journal).
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0 || setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0)
    return;
  self[n] = '\0';
  execv(self, argv); // returns only on failure: go on without huge pages
}

} // namespace shoal::dhtnode
