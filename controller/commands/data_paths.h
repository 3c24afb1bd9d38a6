// DataPath: where closeprobe's own data is (the articles' claims, the case
// set) when a flag leaves it at its default name, so that the programs work
// from any folder: the working folder first (a clone's root), then beside
// the program, installed (PREFIX/bin -> PREFIX/share/closeprobe) or in a
// build tree (build/bin -> the source tree).
//
// Thread safety: reads the file system only.
#ifndef CLOSEPROBE_CONTROLLER_COMMANDS_DATA_PATHS_H_
#define CLOSEPROBE_CONTROLLER_COMMANDS_DATA_PATHS_H_

#include <string>

namespace closeprobe::controller {

// `name` ("claims", "cases") where it exists; `name` itself when nowhere.
std::string DataPath(const std::string& name);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_COMMANDS_DATA_PATHS_H_
