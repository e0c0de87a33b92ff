// zkcontend entry point: parses the command line and dispatches to a command.
#include "harness/cli/app.hpp"

int main(int argc, char** argv) { return zkc::cli::run_app(argc, argv); }
