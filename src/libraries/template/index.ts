/**
 * Go `text/template` for alert ids, messages and details, as Kapacitor renders them: the subset
 * alert templates use, parsed and compiled once, values printed exactly as Go prints them.
 * Also home of the Go value formatting (fmt `%v`, time, durations, `encoding/json`) that the alert
 * event serializer shares. See docs/templates.md for the user documentation.
 */
export { compileTemplate, CompiledTemplate, type CompileTemplateOptions } from './compiled-template.js';
export { GoDuration, GoMap, GoStruct, GoTime, compareGoStrings, kindOf, type GoKind, type StructLayout, type TemplateValue } from './go-values.js';
export { formatGoFloat, formatGoValue } from './go-print.js';
export { encodeGoJson, formatGoJsonNumber, goJsonStringContent, quoteGoJsonString } from './go-json.js';
export { formatGoDuration, formatGoTime, formatRfc3339Nano } from './go-time.js';
export { escapeHtmlText } from './html-escape.js';
