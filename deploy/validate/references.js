// Cross-object checks the schemas cannot make: every name an object points at exists in the same rendering and
// the selectors select the workloads' pods (Deployments and StatefulSets, e.g. the redis component's).

const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);

const selects = (selector, labels) =>
  Object.entries(selector ?? {}).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Returns a list of problems (empty when every reference resolves). */
export function checkReferences(objects) {
  const problems = [];
  const workloads = objects.filter((o) => ["Deployment", "StatefulSet"].includes(o.kind));
  for (const workload of workloads) {
    const pod = workload.spec.template;
    if (!selects(workload.spec.selector.matchLabels, pod.metadata.labels)) {
      problems.push(`${workload.kind} ${workload.metadata.name}: selector does not match its pod labels`);
    }
    for (const container of pod.spec.containers) {
      const portNames = new Set((container.ports ?? []).map((p) => p.name));
      for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
        const port = container[probe]?.httpGet?.port;
        if (typeof port === "string" && !portNames.has(port)) problems.push(`${container.name}.${probe}: no port named '${port}'`);
      }
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef && !find(objects, "ConfigMap", source.configMapRef.name)) problems.push(`${container.name}: ConfigMap '${source.configMapRef.name}' missing`);
        if (source.secretRef && !find(objects, "Secret", source.secretRef.name)) problems.push(`${container.name}: Secret '${source.secretRef.name}' missing`);
      }
      const mounted = new Set((container.volumeMounts ?? []).map((m) => m.name));
      // A StatefulSet's claim templates are volumes of its pods too.
      const declared = [...(pod.spec.volumes ?? []), ...(workload.spec.volumeClaimTemplates ?? []).map((c) => c.metadata)];
      for (const name of mounted) {
        if (!declared.some((v) => v.name === name)) problems.push(`${container.name}: volume '${name}' not declared`);
      }
    }
    for (const volume of pod.spec.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (claim && !find(objects, "PersistentVolumeClaim", claim)) problems.push(`volume ${volume.name}: PVC '${claim}' missing`);
    }
  }
  const podLabels = workloads.map((d) => d.spec.template.metadata.labels);
  for (const service of objects.filter((o) => o.kind === "Service")) {
    if (!podLabels.some((labels) => selects(service.spec.selector, labels))) problems.push(`Service ${service.metadata.name}: selects no pods`);
    for (const port of service.spec.ports) {
      const named = workloads.some((d) => d.spec.template.spec.containers.some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort || p.containerPort === port.targetPort)));
      if (!named) problems.push(`Service ${service.metadata.name}: targetPort '${port.targetPort}' is no container port`);
    }
  }
  for (const ingress of objects.filter((o) => o.kind === "Ingress")) {
    for (const rule of ingress.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const target = find(objects, "Service", p.backend.service.name);
        if (!target) problems.push(`Ingress ${ingress.metadata.name}: Service '${p.backend.service.name}' missing`);
        else if (!target.spec.ports.some((sp) => sp.name === p.backend.service.port.name || sp.port === p.backend.service.port.number)) {
          problems.push(`Ingress ${ingress.metadata.name}: Service port '${p.backend.service.port.name ?? p.backend.service.port.number}' missing`);
        }
      }
    }
  }
  for (const pdb of objects.filter((o) => o.kind === "PodDisruptionBudget")) {
    if (!podLabels.some((labels) => selects(pdb.spec.selector.matchLabels, labels))) problems.push(`PodDisruptionBudget ${pdb.metadata.name}: selects no pods`);
  }
  for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
    const ref = hpa.spec.scaleTargetRef;
    if (!find(objects, ref.kind, ref.name)) problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name}: ${ref.kind} '${ref.name}' missing`);
  }
  // The Prometheus Operator scrapes what a ServiceMonitor selects: a Service, on a port it names.
  for (const monitor of objects.filter((o) => o.kind === "ServiceMonitor")) {
    const services = objects.filter((o) => o.kind === "Service" && selects(monitor.spec.selector?.matchLabels, o.metadata.labels));
    if (services.length === 0) problems.push(`ServiceMonitor ${monitor.metadata.name}: selects no Service`);
    for (const endpoint of monitor.spec.endpoints ?? []) {
      if (!services.some((s) => s.spec.ports.some((p) => p.name === endpoint.port))) problems.push(`ServiceMonitor ${monitor.metadata.name}: no selected Service has a port '${endpoint.port}'`);
    }
  }
  return problems;
}
