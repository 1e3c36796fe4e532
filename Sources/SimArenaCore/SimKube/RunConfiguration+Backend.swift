extension BackendSetting {
    /// The backend this setting names: the embedded simulator on the cluster spec at `cluster`
    /// (nil: the demo cluster), or a cluster with SimKube; a failure to set it up is kept for
    /// preflight to report.
    public func make(cluster: String?, durationSeconds: Double) -> Result<any ClusterBackend, any Error> {
        Result {
            switch kind {
            case .embedded: return try EmbeddedCluster(clusterPath: cluster, durationSeconds: durationSeconds)
            case .simkube: return try SimKubeCluster(setting: self, durationSeconds: durationSeconds)
            }
        }
    }
}

extension RunConfiguration {
    /// The simulation backend this run names.
    public func makeBackend() -> Result<any ClusterBackend, any Error> {
        backend.make(cluster: cluster, durationSeconds: durationSeconds)
    }
}
