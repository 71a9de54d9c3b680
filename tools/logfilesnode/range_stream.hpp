// RangeStream: a GetRange/GetAll reply. The bucket files are read and the batches compressed
// (while the client lags: server::LagGauge) on libuv's thread pool, a chunk of batches at a
// time (two chunks at once), so that a scan of millions of records never stalls the loop; the
// loop only appends finished chunks to the connection, and asks for more once the client has
// read what it has.
#pragma once

#include "server/lag_gauge.hpp"
#include "server/stream.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace shoal::logfilesnode {

class Session;

class RangeStream : public server::Stream
{
public:
  struct Query {
    std::string channel_dir;
    std::uint64_t min = 0; // keys in [min, max]
    std::uint64_t max = 0;
    std::string filter; // non-empty: only values containing it
    std::size_t batch_size = 64 * 1024;
    std::uint64_t max_value = 16ULL << 20;
  };

  RangeStream(Session& session, Query query);
  ~RangeStream() override;
  bool pump(net::Connection& conn) override;

  struct State; // shared with the thread pool; outlives the stream while chunks are read

private:
  void start_chunk(bool compress);

  Session& m_session;
  std::shared_ptr<State> m_state;
  server::LagGauge m_lag; // compress while the client lags
};

} // namespace shoal::logfilesnode
