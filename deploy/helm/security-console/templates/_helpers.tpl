{{- define "console.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "console.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "console.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "console.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "console.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "console.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "console.secretName" -}}
{{- .Values.secret.existingSecret | default (include "console.fullname" .) -}}
{{- end -}}

{{/* The plain settings: values.config, with the public URL defaulted from the Ingress host. */}}
{{- define "console.configData" -}}
{{- range $name, $value := .Values.config }}
{{- if and (eq $name "Console__PublicUrl") (not $value) $.Values.ingress.enabled }}
{{ $name }}: {{ printf "https://%s" $.Values.ingress.host | quote }}
{{- else }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The credentials: only the two connection strings, and only when given. */}}
{{- define "console.secretData" -}}
{{- range $name := list "ConnectionStrings__Console" "ConnectionStrings__Redis" }}
{{- with index $.Values.secret $name }}
{{ $name }}: {{ . | b64enc | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The same restrictive security context for the nodes and the migration Job. */}}
{{- define "console.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1654
runAsGroup: 1654
fsGroup: 1654
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "console.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}
