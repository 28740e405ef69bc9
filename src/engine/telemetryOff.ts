// onnxruntime's telemetry writes a device id and a queue of events (OS, CPU, graph and
// initializer names, error text) under the user's cache, creates mat-debug-<pid>.log in the temp
// folder, and its start-up reads the whole command line (a ~30 KB argument crashed the CLI).
// onnxruntime reads this variable when its environment is created, at the first session; this
// module is imported before onnxruntime-node by every file that creates sessions, and the
// bundles set it in their banner too (esbuild.config.mjs), so no process of ours ever starts it.
process.env.ORT_DISABLE_TELEMETRY = '1';

export {};
