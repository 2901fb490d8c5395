{{/*
Names, labels and the values every template shares. Settings are read from .Values only here and
in the templates; see values.yaml for what each one means.
*/}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "connector.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Prefix of every object name: the release name, plus the chart name unless the release name already
contains it. Kept to 40 characters so "<prefix>-webhook-gateway" and friends stay within the
63-character limit of label values and DNS names.
*/}}
{{- define "connector.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "connector.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "connector.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "connector.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: connector
{{- end -}}

{{/* Selector of one component. Call with (dict "root" $ "component" "webhook-gateway"). */}}
{{- define "connector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "connector.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of one component. Call with (dict "root" $ "component" "webhook-gateway"). */}}
{{- define "connector.componentLabels" -}}
{{ include "connector.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
The five services: their key under .Values.services and the variable that sets their HTTP port.
The one list the Deployments, HorizontalPodAutoscalers and the dependency checks are built from.
*/}}
{{- define "connector.catalog" -}}
webhook-gateway:
  key: webhookGateway
  portEnv: GATEWAY_PORT
token-service:
  key: tokenService
  portEnv: ADMIN_PORT
customer-sync:
  key: customerSync
  portEnv: HTTP_PORT
catalog-sync:
  key: catalogSync
  portEnv: HTTP_PORT
invoice-sync:
  key: invoiceSync
  portEnv: HTTP_PORT
{{- end -}}

{{- define "connector.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}

{{- define "connector.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "connector.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding ENCRYPTION_KEYS, ADMIN_TOKEN, DATABASE_URL (and POSTGRES_PASSWORD). */}}
{{- define "connector.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "connector.fullname" .)) -}}
{{- end -}}

{{- define "connector.natsBundled" -}}
{{- if and .Values.nats.bundled.enabled .Values.nats.external.url -}}
{{- fail "nats: set either nats.external.url or nats.bundled.enabled, not both" -}}
{{- end -}}
{{- if .Values.nats.bundled.enabled -}}true{{- end -}}
{{- end -}}

{{- define "connector.natsUrl" -}}
{{- if include "connector.natsBundled" . -}}
{{- printf "nats://%s-nats:4222" (include "connector.fullname" .) -}}
{{- else -}}
{{- required "nats.external.url is required when nats.bundled.enabled is false (e.g. nats://nats.messaging:4222)" .Values.nats.external.url -}}
{{- end -}}
{{- end -}}

{{- define "connector.postgresqlBundled" -}}
{{- if and .Values.postgresql.bundled.enabled .Values.postgresql.external.url -}}
{{- fail "postgresql: set either postgresql.external.url or postgresql.bundled.enabled, not both" -}}
{{- end -}}
{{- if .Values.postgresql.bundled.enabled -}}true{{- end -}}
{{- end -}}

{{/*
Whether the migration Job runs as a pre-install/pre-upgrade hook. Not with the bundled PostgreSQL:
a pre-install hook runs before the chart's StatefulSet exists, so there would be no database to
migrate. The services then migrate at boot instead (MIGRATIONS_RUN=true, under an advisory lock, so
replicas booting together migrate one at a time).
*/}}
{{- define "connector.migrationJob" -}}
{{- if and .Values.migrations.job.enabled (not (include "connector.postgresqlBundled" .)) -}}true{{- end -}}
{{- end -}}

{{/*
PUBLIC_URL, the gateway's address as stores see it: config.publicUrl, else the Ingress host. Empty
when neither is set (NOTES.txt then says so).
*/}}
{{- define "connector.publicUrl" -}}
{{- if .Values.config.publicUrl -}}
{{- .Values.config.publicUrl | trimSuffix "/" -}}
{{- else if and .Values.ingress.enabled .Values.ingress.host -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{/* Pod-level scheduling settings shared by every workload. */}}
{{- define "connector.scheduling" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}
