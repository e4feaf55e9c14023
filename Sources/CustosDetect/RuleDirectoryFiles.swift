/// Which files of a rules directory hold Sigma rules: every *.yml / *.yaml file except the configuration files of
/// the detectors that are not Sigma (the baselines and the health monitor). Shared by every Sigma loader so that
/// they skip the same files.
public enum RuleDirectoryFiles {
    /// The file names that configure a detector rather than hold Sigma rules.
    public static let configurationFileNames: Set<String> = BaselineConfiguration.fileNames.union(
        HealthConfiguration.fileNames
    )

    /// Whether a file of the directory, by name, holds Sigma rules.
    public static func isSigmaFile(_ name: String) -> Bool {
        (name.hasSuffix(".yml") || name.hasSuffix(".yaml")) && !configurationFileNames.contains(name)
    }
}
