{{/*
The Deployment of one Connector service. Every service runs the same image; the container argument
picks which one (see deploy/docker-entrypoint.sh). Call with (dict "root" $ "name" "webhook-gateway").
Per-service settings live under .Values.services.<key> (replicas, port, resources, autoscaling, env).
*/}}
{{- define "connector.deployment" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $meta := index (include "connector.catalog" $root | fromYaml) $name -}}
{{- $svc := index $root.Values.services $meta.key -}}
{{- $fullname := include "connector.fullname" $root -}}
{{- $secretName := include "connector.secretName" $root -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}-{{ $name }}
  labels:
    {{- include "connector.componentLabels" (dict "root" $root "component" $name) | nindent 4 }}
spec:
  {{- /* With an HPA the replica count is the HPA's; setting it here would undo its work on every upgrade. */}}
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "connector.selectorLabels" (dict "root" $root "component" $name) | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      # Start the new pod before stopping an old one: no drop in capacity during an upgrade.
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "connector.selectorLabels" (dict "root" $root "component" $name) | nindent 8 }}
      annotations:
        # Roll the pods when their configuration changes (env is read once, at boot).
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- if $root.Values.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $svc.port | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "connector.serviceAccountName" $root }}
      # The services never call the Kubernetes API.
      automountServiceAccountToken: false
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      # Long enough for in-flight events to settle after SIGTERM (each service drains its
      # consumers, then exits); an event cut off anyway is redelivered by JetStream.
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      {{- with include "connector.scheduling" $root | trim }}
      {{- . | nindent 6 }}
      {{- end }}
      {{- if $root.Values.waitForDependencies }}
      initContainers:
        # Wait for NATS and PostgreSQL to accept connections rather than crash-looping (and backing
        # off for minutes) while they start, e.g. on the first install with the bundled ones.
        - name: wait-for-dependencies
          image: {{ include "connector.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: ["wait-for-dependencies"]
          env:
            - name: NATS_URL
              valueFrom:
                configMapKeyRef:
                  name: {{ $fullname }}-config
                  key: NATS_URL
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {{ $secretName }}
                  key: DATABASE_URL
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
      {{- end }}
      containers:
        - name: {{ $name }}
          image: {{ include "connector.image" $root }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: [{{ $name | quote }}]
          envFrom:
            - configMapRef:
                name: {{ $fullname }}-config
          env:
            - name: SERVICE
              value: {{ $name | quote }}
            - name: {{ $meta.portEnv }}
              value: {{ $svc.port | quote }}
            # Secrets one by one rather than the whole Secret: only token-service sees ADMIN_TOKEN.
            - name: ENCRYPTION_KEYS
              valueFrom:
                secretKeyRef:
                  name: {{ $secretName }}
                  key: ENCRYPTION_KEYS
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {{ $secretName }}
                  key: DATABASE_URL
            {{- if eq $name "token-service" }}
            - name: ADMIN_TOKEN
              valueFrom:
                secretKeyRef:
                  name: {{ $secretName }}
                  key: ADMIN_TOKEN
            {{- end }}
            {{- range $key, $value := $svc.env }}
            - name: {{ $key }}
              value: {{ $value | toString | quote }}
            {{- end }}
          ports:
            - name: http
              containerPort: {{ $svc.port }}
              protocol: TCP
          # Generous start-up window (migrations may run at boot); liveness and readiness only
          # begin once it has passed.
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: 2
            failureThreshold: 90
          # Live: the process answers. Not tied to NATS or PostgreSQL, so an outage of either
          # does not make Kubernetes restart every pod.
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          # Ready: NATS and PostgreSQL reachable. Services route only to ready pods, so webhooks
          # reach only gateways that can store them (WooCommerce does not retry a failed delivery).
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          lifecycle:
            preStop:
              # Let Services and Ingresses stop routing to the pod before it shuts down.
              exec:
                command: ["sleep", "5"]
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            # The root filesystem is read-only; /tmp stays writable for libraries that need it.
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
{{- end -}}

{{/* The HorizontalPodAutoscaler of one service, when .Values.services.<key>.autoscaling.enabled. */}}
{{- define "connector.hpa" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $meta := index (include "connector.catalog" $root | fromYaml) $name -}}
{{- $svc := index $root.Values.services $meta.key -}}
{{- if $svc.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "connector.fullname" $root }}-{{ $name }}
  labels:
    {{- include "connector.componentLabels" (dict "root" $root "component" $name) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "connector.fullname" $root }}-{{ $name }}
  minReplicas: {{ $svc.autoscaling.minReplicas }}
  maxReplicas: {{ $svc.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $svc.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end -}}
