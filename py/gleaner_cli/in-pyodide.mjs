// Run a gleaner_cli module's main(work) in Pyodide under Node, with py/ and a
// work folder mounted from the disk: build.py compiles the browser's bytecode
// this way, with the very Python (and magic number) that will load it.
//
//   node in-pyodide.mjs <pyodide core folder> <py folder> <work folder> <module>

import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pyodideDir, pyDir, workDir, module] = process.argv.slice(2);
if (!module || !/^[a-z_][a-z0-9_.]*$/.test(module)) {
  console.error('usage: node in-pyodide.mjs <pyodide core folder> <py folder> <work folder> <module>');
  process.exit(2);
}
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, 'pyodide.mjs')).href);
const pyodide = await loadPyodide({
  indexURL: `${path.resolve(pyodideDir)}/`,
  // Sets iterate in hash order and marshal writes them so: a fixed seed keeps
  // the .pyc bytes (and so the build) reproducible. No column ranges in the
  // bytecode (-X no_debug_ranges): they only underline the failing part of a
  // source line in a traceback, and most of these modules ship without
  // source; left out, the compiled wheels and standard library are a quarter
  // smaller.
  env: { PYTHONHASHSEED: '0', PYTHONNODEBUGRANGES: '1' },
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
for (const [folder, mountPoint] of [[pyDir, '/src'], [workDir, '/work']]) {
  pyodide.FS.mkdirTree(mountPoint);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: path.resolve(folder) }, mountPoint);
}
try {
  pyodide.runPython(`import sys; sys.path.insert(0, '/src'); import ${module}; ${module}.main('/work')`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
