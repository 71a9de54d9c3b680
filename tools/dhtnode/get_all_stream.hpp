// GetAll, GetAllKeys and GetAllFilter replies: a channel streamed as LZO batches of records
// (or keys), then an empty array. Iteration survives writes to the channel in between.
#pragma once

#include "channel.hpp"
#include "server/stream.hpp"

#include "proto/batch.hpp"
#include "proto/codes.hpp"

#include <memory>
#include <string>

namespace shoal::dhtnode {

class Session;

class GetAllStream : public server::Stream
{
public:
  // channel may be null (no such channel: just the end marker). filter is used by
  // GetAllFilter: only values containing it as a substring are sent.
  GetAllStream(Session& session,
               std::shared_ptr<Channel> channel,
               proto::Command command,
               std::string filter);
  bool pump(net::Connection& conn) override;

private:
  enum class Fill { full, budget, done }; // why fill_batch() stopped
  Fill fill_batch();
  bool add(std::uint64_t key, std::string_view value);

  Session& m_session;
  std::shared_ptr<Channel> m_channel;
  bool m_keys_only;
  bool m_filtered;
  std::string m_filter;
  proto::BatchBuilder m_batch;
  RecordTable::Cursor m_cursor;
  bool m_held = false; // a record that did not fit in the last batch waits here
  std::uint64_t m_held_key = 0;
  std::string m_held_value;
};

} // namespace shoal::dhtnode
