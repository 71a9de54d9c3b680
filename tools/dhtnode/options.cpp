// dhtnode's option table and the checks that tie options together.
#include "options.hpp"

#include "cfg/options.hpp"
#include "store/atomic_file.hpp"

namespace shoal::dhtnode {

void
add_options(CLI::App& app, Options& opts)
{
  cfg::add_common_options(app, opts.common);
  server::add_listen_option(app, opts);
  app.add_option("--data-dir", opts.data_dir, "directory of the dump files")
      ->capture_default_str()
      ->type_name("DIR");
  app.add_option("--range", opts.range_text,
                 "hash range MIN:MAX (hex, inclusive, of bit-reversed keys), or none")
      ->capture_default_str()
      ->type_name("MIN:MAX");
  cfg::add_size(app, "--size-limit", opts.size_limit,
                "refuse writes (OutOfMemory) beyond this many bytes of records; 0: no limit", "0");
  cfg::add_size(app, "--batch-size", opts.batch_size,
                "record batch size for GetAll and PutBatch (1K-16M); records must fit in one",
                "64K")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{16} << 20).description(""));
  cfg::add_choice(app, "--out-of-range", opts.out_of_range_text, {"load", "fatal", "ignore"},
                  "what to do with dump records outside the range at start-up");
  app.add_option("--abort-after-out-of-range", opts.abort_after_out_of_range,
                 "stop loading a dump whose first N records are all out of range (wrong config?)")
      ->capture_default_str()
      ->type_name("N");
  app.add_flag("--load-damaged", opts.load_damaged,
               "load the readable part of a damaged dump file instead of refusing to start");
  cfg::add_duration(app, "--dump-period", opts.dump_period_ms,
                    "also dump every channel this often, from a snapshot; 0: only at shutdown",
                    "0");
  app.add_option("--peer-name", opts.peer_name,
                 "authenticate to the nodes a Redistribute sends records to as NAME (a name of "
                 "the credentials file)")
      ->type_name("NAME");
  server::add_serve_options(app, opts);
  app.add_flag("--lock-memory", opts.lock_memory, "lock the process memory (mlockall)");
}

core::Status
finish_options(Options& opts)
{
  SHOAL_TRY(server::finish_serve_options(opts));
  if (!opts.peer_name.empty() && !opts.credential_map)
    return core::make_error(core::Errc::config, "--peer-name needs --credentials");
  if (!opts.peer_name.empty() && !opts.credential_map->count(opts.peer_name))
    return core::make_error(core::Errc::config,
                            "--peer-name " + opts.peer_name + " is not in " + opts.credentials);
  auto range = proto::parse_hash_range(opts.range_text);
  if (!range)
    return range.take_error();
  opts.range = *range;
  opts.out_of_range = opts.out_of_range_text == "fatal"    ? OutOfRange::fatal
                      : opts.out_of_range_text == "ignore" ? OutOfRange::ignore
                                                           : OutOfRange::load;
  return {};
}

} // namespace shoal::dhtnode

namespace shoal::dhtnode {

core::Status
rewrite_range(const std::string& config_file, const proto::HashRange& range)
{
  auto text = store::read_file(config_file, 1 << 20);
  if (!text)
    return text.take_error();
  std::string out;
  bool replaced = false;
  std::string_view rest = *text;
  while (!rest.empty()) {
    auto eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
    auto name_end = line.find_first_of(" \t=");
    auto first = line.find_first_not_of(" \t");
    bool is_range = first != std::string_view::npos && name_end != std::string_view::npos &&
                    line.substr(first, name_end - first) == "range" &&
                    line.find('=') != std::string_view::npos;
    if (is_range && !replaced) {
      out += "range = " + range.str() + "\n";
      replaced = true;
    } else if (!is_range) {
      out.append(line);
      out += '\n';
    }
  }
  if (!replaced)
    out += "range = " + range.str() + "\n";
  return store::write_file_atomic(config_file, out);
}

} // namespace shoal::dhtnode
