/**
 * Recordings: Kafka records captured with their coordinates, timestamp, key, value and headers,
 * in a documented, versioned JSON lines format (`docs/recording-format.md`), to replay a topic's
 * records into a punchline (`punchline replay`) or feed tests. Kapacitor's `.srpl` stream
 * recordings read as recordings too.
 */
export { RECORDING_FORMAT, RECORDING_VERSION, headerLine, recordLine, type RecordedHeader, type RecordedRecord, type RecordingHeader } from './recording-format.js';
export { readRecording, readRecordingBatches } from './recording-reader.js';
export { RecordingWriter } from './recording-writer.js';
export { isSrpl, readSrpl, type SrplOptions } from './kapacitor-srpl.js';
export { openRecording, type RecordingSourceOptions } from './open-recording.js';
