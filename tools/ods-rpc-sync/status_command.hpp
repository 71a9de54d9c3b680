// `ods-rpc-sync status`: prints what the running daemon last wrote to its status file (peers,
// last update applied per peer, lag, refused messages) and says whether it is alive.
#pragma once

namespace shoal::odsrpcsync {

// Runs the subcommand (argv[0] is "status"); returns the exit code: 0 when the daemon is alive
// and its status fresh, 69 (unavailable) when not, 64 on usage errors.
int run_status(int argc, char** argv);

} // namespace shoal::odsrpcsync
