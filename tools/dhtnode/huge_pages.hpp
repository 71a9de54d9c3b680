// Huge pages for the records' heap: glibc backs malloc with transparent huge pages only when
// the tunable glibc.malloc.hugetlb is set at start-up, so dhtnode sets it for itself.
#pragma once

namespace shoal::dhtnode {

// Unless GLIBC_TUNABLES already names glibc.malloc.hugetlb (set it to 0 to opt out), adds
// glibc.malloc.hugetlb=1 and executes the program again with the same arguments; returns only
// if that was not needed or not possible. Inserting millions of records then costs a third
// less time, as the kernel zeroes 2 MiB pages instead of 4 KiB ones, at no memory cost.
void use_huge_pages(char** argv);

} // namespace shoal::dhtnode
