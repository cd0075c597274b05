// The `duban` subcommands. Each Add*Command registers one subcommand on the
// CLI; when that subcommand is chosen, its callback runs and stores the
// process exit code in `*exit_code`. main.cc adds one line per command.
#pragma once

namespace CLI {
class App;
}

namespace duban::app {

void AddServeCommand(CLI::App& cli, int* exit_code);
void AddCheckCommand(CLI::App& cli, int* exit_code);
void AddVersionCommand(CLI::App& cli, int* exit_code);
void AddSimulateCommand(CLI::App& cli, int* exit_code);
void AddImportCommand(CLI::App& cli, int* exit_code);
void AddAuditCommand(CLI::App& cli, int* exit_code);
void AddTokenCommand(CLI::App& cli, int* exit_code);
void AddSilenceCommand(CLI::App& cli, int* exit_code);
void AddChannelCommand(CLI::App& cli, int* exit_code);
void AddSampleCommand(CLI::App& cli, int* exit_code);
void AddBackupCommand(CLI::App& cli, int* exit_code);
void AddExportCommand(CLI::App& cli, int* exit_code);

}  // namespace duban::app
