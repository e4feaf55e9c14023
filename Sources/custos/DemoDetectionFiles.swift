import Foundation

/// What `custos demo` puts in the data directory so the detection service has alerts: the rule pack as
/// `DATA/rules` and the simulation's reference data as `DATA/entities.json` (each only when absent).
enum DemoDetectionFiles {
    static func install(data: String, rules: String) {
        let fm = FileManager.default
        let target = (data as NSString).appendingPathComponent("rules")
        if !fm.fileExists(atPath: target) {
            if fm.fileExists(atPath: rules) {
                do { try fm.copyItem(atPath: rules, toPath: target) } catch {
                    printError("cannot copy the rule pack \(rules) to \(target): \(error)")
                }
            } else {
                printError("no rule pack at \(rules) (--rules): detection is off until \(target) exists")
            }
        }
        let entities = (data as NSString).appendingPathComponent("entities.json")
        let simulated = (data as NSString).appendingPathComponent("simulation/entities.json")
        if !fm.fileExists(atPath: entities) && fm.fileExists(atPath: simulated) {
            try? fm.copyItem(atPath: simulated, toPath: entities)
        }
    }
}
