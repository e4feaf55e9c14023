import CustosDetect
import CustosServer
import Foundation

/// The rule pack as the console lists it: each Sigma file's rules with title, level and description.
enum ConsoleRulePack {
    /// The rules of every *.yml / *.yaml file in `directory`; files that do not parse are left out (the server
    /// runs no rules itself; `custos rules test` reports their errors).
    static func load(directory: String) -> [ConsoleRule] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var out: [ConsoleRule] = []
        for name in names.sorted()
        where RuleDirectoryFiles.isSigmaFile(name) {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for rule in RuleSet(files: [path: String(decoding: data, as: UTF8.self)]).rules {
                out.append(
                    ConsoleRule(
                        title: rule.metadata.title,
                        level: rule.metadata.level,
                        description: rule.metadata.description,
                        file: name
                    )
                )
            }
        }
        return out
    }
}
