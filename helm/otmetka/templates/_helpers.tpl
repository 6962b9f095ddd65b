{{- define "otmetka.name" -}}{{ .Release.Name }}-otmetka{{- end -}}
{{- define "otmetka.labels" -}}
app.kubernetes.io/name: otmetka
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "otmetka.image" -}}{{ .Values.image.repository }}:{{ .Values.image.tag }}{{- end -}}
{{/* Environment shared by every container: config map + the existing secret. */}}
{{- define "otmetka.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "otmetka.name" . }}
  - secretRef:
      name: {{ .Values.existingSecret }}
{{- end -}}
{{- define "otmetka.securityContext" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: {drop: ["ALL"]}
{{- end -}}
