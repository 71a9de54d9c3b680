// Little-endian integers in the nodes' files: the swarm formats are x86-64 host order, so a
// fixed-width load or store is a memcpy, and the build refuses a big-endian target.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace shoal::core {

static_assert(std::endian::native == std::endian::little,
              "the .rq, overflow, journal, checkpoint and bucket formats are little endian");

// Reads a T stored at p (any alignment).
template <class T>
T
load_le(const char* p)
{
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Writes v at p (any alignment).
template <class T>
void
store_le(char* p, T v)
{
  std::memcpy(p, &v, sizeof v);
}

// Appends the bytes of v to out.
template <class T>
void
append_le(std::string& out, T v)
{
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

} // namespace shoal::core
