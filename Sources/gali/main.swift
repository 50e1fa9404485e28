import GaliCommandLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

exit(GaliTool.run(Array(CommandLine.arguments.dropFirst())))
