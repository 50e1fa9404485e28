import Transformer
import Foundation

let file = try GGUFFile(path: CommandLine.arguments[1])
print(file.version, file.tensorInfos.count, file.alignment)
for key in file.metadataKeys { print(key, file.metadata[key]!.summary) }
for info in file.tensorInfos.prefix(14) { print(info.name, info.shape, info.dtype) }
