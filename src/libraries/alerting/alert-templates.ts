/**
 * The `id`, `message` and `details` templates of an alert and the data they see, laid out like
 * Kapacitor's Go structs so that `{{ . }}` and the default details (`{{ json . }}`) print the same
 * fields in the same order:
 * - id: Name, TaskName, Group, Tags (and ServerInfo when configured);
 * - message: the id fields, then ID, Fields, Level, Time, Duration;
 * - details: the message fields, then Message. Details render like Go's `html/template`.
 */
import type { Fields } from '../../core/fields.js';
import { compileTemplate, GoDuration, GoMap, GoStruct, GoTime, type CompiledTemplate, type StructLayout } from '../template/index.js';

/** Kapacitor's default id: the measurement and the group. */
export const DEFAULT_ID_TEMPLATE = '{{ .Name }}:{{ .Group }}';
/** Kapacitor's default message. */
export const DEFAULT_MESSAGE_TEMPLATE = '{{ .ID }} is {{ .Level }}';
/** Kapacitor's default details: the JSON of the template data, HTML-escaped. */
export const DEFAULT_DETAILS_TEMPLATE = '{{ json . }}';

/** What Kapacitor calls ServerInfo: who produced the alert. Optional in punchline. */
export interface AlertServerInfo {
  readonly hostname: string;
  readonly clusterId: string;
  readonly serverId: string;
}

const SERVER_INFO_LAYOUT: StructLayout = ['Hostname', 'ClusterID', 'ServerID'];

function layouts(withServerInfo: boolean): { id: StructLayout; message: StructLayout; details: StructLayout } {
  const id: StructLayout = withServerInfo ? ['Name', 'TaskName', 'Group', 'Tags', 'ServerInfo'] : ['Name', 'TaskName', 'Group', 'Tags'];
  const message: StructLayout = [{ embedded: id }, 'ID', 'Fields', 'Level', 'Time', 'Duration'];
  const details: StructLayout = [{ embedded: message }, 'Message'];
  return { id, message, details };
}

function fieldNames(layout: StructLayout): string[] {
  return layout.flatMap((entry) => (typeof entry === 'string' ? [entry] : fieldNames(entry.embedded)));
}

/** The three compiled templates of an alert. */
export interface AlertTemplates {
  readonly id: CompiledTemplate;
  readonly message: CompiledTemplate;
  readonly details: CompiledTemplate;
  /** Whether the template data carries ServerInfo. */
  readonly withServerInfo: boolean;
  /** The struct layouts of the data of each template. */
  readonly layouts: { readonly id: StructLayout; readonly message: StructLayout; readonly details: StructLayout };
}

/** The template sources of an alert; a missing one takes Kapacitor's default. */
export interface AlertTemplateSources {
  readonly id?: string;
  readonly message?: string;
  readonly details?: string;
}

/**
 * Compiles an alert's templates, checking the fields each may use (`.ID` in an id template is an
 * error: the id is not known yet). Throws `PunchlineError('E_TEMPLATE')` with a caret.
 */
export function compileAlertTemplates(sources: AlertTemplateSources, withServerInfo = false): AlertTemplates {
  const layout = layouts(withServerInfo);
  return {
    id: compileTemplate(sources.id ?? DEFAULT_ID_TEMPLATE, { name: 'id', fields: fieldNames(layout.id) }),
    message: compileTemplate(sources.message ?? DEFAULT_MESSAGE_TEMPLATE, { name: 'message', fields: fieldNames(layout.message) }),
    details: compileTemplate(sources.details ?? DEFAULT_DETAILS_TEMPLATE, { name: 'details', fields: fieldNames(layout.details), html: true }),
    withServerInfo,
    layouts: layout,
  };
}

/** The values shared by the three templates of one event. */
export interface AlertTemplateInput {
  readonly name: string;
  readonly taskName: string;
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Fields;
  readonly level: string;
  readonly time: bigint;
  readonly duration: bigint;
  readonly serverInfo: AlertServerInfo | undefined;
}

/** Renders id, then message (which sees the id), then details (which sees the message), as Kapacitor does. */
export function renderAlertTemplates(templates: AlertTemplates, input: AlertTemplateInput): { id: string; message: string; details: string } {
  const layout = templates.layouts;
  const values: Record<string, GoStruct | GoMap | GoTime | GoDuration | string> = {
    Name: input.name,
    TaskName: input.taskName,
    Group: input.group,
    Tags: new GoMap(input.tags, ''),
  };
  if (templates.withServerInfo) {
    const info = input.serverInfo;
    values.ServerInfo = new GoStruct(SERVER_INFO_LAYOUT, { Hostname: info?.hostname ?? '', ClusterID: info?.clusterId ?? '', ServerID: info?.serverId ?? '' });
  }
  const id = templates.id.render(new GoStruct(layout.id, values));
  values.ID = id;
  values.Fields = new GoMap(input.fields, null);
  values.Level = input.level;
  values.Time = new GoTime(input.time);
  values.Duration = new GoDuration(input.duration);
  const message = templates.message.render(new GoStruct(layout.message, values));
  values.Message = message;
  const details = templates.details.render(new GoStruct(layout.details, values));
  return { id, message, details };
}
