{{/* Chart name, overridable. */}}
{{- define "duban.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-wide name prefix: <release>-duban, or the release name when it already says duban. */}}
{{- define "duban.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "duban.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "duban.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Labels shared by every object of the release. */}}
{{- define "duban.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "duban.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: duban
{{- end }}

{{/* Selector for every duban pod of the release (all components and the migration job). */}}
{{- define "duban.selectorLabels" -}}
app.kubernetes.io/name: {{ include "duban.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector for one component; call with (dict "root" $ "component" "ingest"). */}}
{{- define "duban.componentSelector" -}}
{{ include "duban.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "duban.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "duban.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "duban.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "duban.secretName" -}}
{{- default (include "duban.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* NATS URL: explicit, or the client Service of the bundled NATS chart (named <release>-nats). */}}
{{- define "duban.natsUrl" -}}
{{- if .Values.config.natsUrl }}
{{- .Values.config.natsUrl }}
{{- else if .Values.nats.enabled }}
{{- printf "nats://%s-nats:4222" .Release.Name }}
{{- else }}
{{- fail "set config.natsUrl when nats.enabled=false" }}
{{- end }}
{{- end }}

{{/* Pod selector of the bundled NATS servers (labels set by the official chart). */}}
{{- define "duban.natsSelector" -}}
app.kubernetes.io/name: nats
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: nats
{{- end }}

{{/* Pod-level settings shared by Deployments and the migration Job. */}}
{{- define "duban.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
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
volumes:
  # The root filesystem is read-only; Python and libraries may still need a scratch directory.
  - name: tmp
    emptyDir:
      sizeLimit: 256Mi
{{- end }}

{{/* Container environment: ConfigMap + Secret. */}}
{{- define "duban.envFrom" -}}
envFrom:
  - configMapRef:
      name: {{ include "duban.fullname" . }}
  - secretRef:
      name: {{ include "duban.secretName" . }}
{{- end }}
