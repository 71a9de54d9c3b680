// Re-executing with glibc.malloc.hugetlb=1 (glibc reads tunables only at start-up).
#include "huge_pages.hpp"

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
  if (setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0)
    return;
  execv("/proc/self/exe", argv); // returns only on failure: go on without huge pages
}

} // namespace shoal::dhtnode
