import ArgumentParser
import BuigCore
import BuigEngine
import BuigScenario
import Foundation

/// The batch schedulers `buig plan` writes scripts for.
enum SchedulerKind: String, ExpressibleByArgument, CaseIterable {
  /// Slurm: a job array for the shards and a job that merges them once the array succeeded.
  case slurm
}

/// `buig plan`: the shards of one or more runs as a scheduler's job array, with the merge after.
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Plan runs as shards on a cluster: a Slurm job array and the merge after it.",
    discussion: """
      Writes into DIR: run.sbatch (a job array; task i runs shard i mod M + 1 of scenario i / M \
      with buig run --shard, refusing a scenario whose bytes changed since planning), \
      merge.sbatch (buig merge of each scenario's parts into DIR/result.json, or \
      DIR/results/NAME.json for several scenarios) and submit.sh (submits both, the merge with \
      --dependency=afterok on the array, and prints the job ids). The scripts call this buig \
      binary by its absolute path: the cluster's nodes must see it, the scenario files and DIR \
      at the same paths (a shared folder).

      A task that is retried (Slurm's --requeue, or by hand: sbatch --array=I run.sbatch) writes \
      the same bytes. The merged output is byte-identical to buig run FILE --paths N --seed S \
      --format json.
      """)

  @Argument(
    help: ArgumentHelp(
      "Scenario files (JSON), each run as its own set of shards.", valueName: "FILE"))
  var files: [String] = []

  @Option(help: ArgumentHelp("Monte Carlo paths of each scenario's whole run.", valueName: "N"))
  var paths: Int

  @Option(
    help: ArgumentHelp("Shards each run is split into (array tasks per scenario).", valueName: "M"))
  var shards: Int

  @OptionGroup var seedOption: SeedOption

  @Option(help: "The scheduler to write scripts for: slurm.")
  var scheduler: SchedulerKind

  @Option(
    help: ArgumentHelp("The folder the scripts, parts, logs and results go to.", valueName: "DIR"))
  var dir: String

  @Option(
    help: ArgumentHelp("The Slurm partition (default: the cluster's default).", valueName: "P"))
  var partition: String?

  @Option(
    help: ArgumentHelp(
      "The time limit of each task, in Slurm's form (minutes, HH:MM:SS or D-HH:MM:SS; default: the partition's).",
      valueName: "T"))
  var time: String?

  @Option(
    name: .customLong("cpus-per-task"),
    help: ArgumentHelp("Cores of each task, used as its worker threads.", valueName: "C"))
  var cpusPerTask: Int = 1

  @Option(
    help: ArgumentHelp(
      "Memory of each shard task in MB (default: the run's own estimate for its paths).",
      valueName: "MB"))
  var mem: Int?

  func validate() throws {
    if files.isEmpty {
      throw ValidationError(
        "give the scenario files to plan (buig plan FILE… --paths N --shards M …)")
    }
    if paths < 1 { throw ValidationError("--paths: expected at least 1 path, found \(paths)") }
    if shards < 1 || shards > paths {
      throw ValidationError(
        "--shards: expected 1 to \(Money.group(String(paths))) shards (at most one per path), found \(shards)"
      )
    }
    if cpusPerTask < 1 {
      throw ValidationError("--cpus-per-task: expected at least 1, found \(cpusPerTask)")
    }
    if let mem, mem < 1 { throw ValidationError("--mem: expected a number of MB, found \(mem)") }
    if let time, !SlurmPlan.isTime(time) {
      throw ValidationError(
        "--time: expected a Slurm time such as 30 (minutes), 01:30:00 or 1-12:00:00, found \"\(time)\""
      )
    }
    if let partition, !SlurmPlan.isName(partition) {
      throw ValidationError(
        "--partition: expected a partition name of letters, digits, '-', '_', '.' (several with ','), found \"\(partition)\""
      )
    }
  }

  func run() throws {
    // Everything is checked before anything is written: each scenario reads and projects, the
    // names are distinct, the memory fits what is asked of Slurm.
    let table: RuleTable
    do {
      table = try RuleTable.builtIn()
    } catch {
      throw InputFailure(command: "plan", issues: error)
    }
    var planned: [SlurmPlan.Scenario] = []
    for file in files {
      let loaded = try loadScenario(file, command: "plan", rules: table)
      _ = try loaded.projection(command: "plan")
      let path = absolutePath(file)
      let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
      if let other = planned.first(where: { $0.name == name }) {
        throw InputFailure(
          command: "plan",
          [
            "\(file): expected scenario files with distinct names (their parts and results are named after them), found \(name) twice (\(other.file))"
          ])
      }
      let series = SeriesLayout(loaded.scenario.input).count
      planned.append(
        SlurmPlan.Scenario(
          file: path, name: name, sha256: SHA256.hex(loaded.bytes),
          seed: seedOption.seed ?? loaded.scenario.seed, series: series))
    }
    let largestShard = SlurmPlan.largestShard(paths: paths, shards: shards)
    let maxSeries = planned.map(\.series).max() ?? 0
    let estimate = SlurmPlan.megabytes(
      MemoryEstimate.bytes(paths: largestShard, series: maxSeries, threads: cpusPerTask))
    if let mem, mem < estimate {
      var failure = InputFailure(
        command: "plan",
        [
          "--mem: \(Money.group(String(largestShard))) paths per shard need about \(Money.group(String(estimate))) MB (\(maxSeries) series × 8 bytes a path, with the statistics' working copies), found --mem \(mem); give more memory, or more --shards"
        ])
      failure.exitCode = 2
      throw failure
    }
    let mergeMem = SlurmPlan.megabytes(
      MemoryEstimate.bytes(paths: paths, series: maxSeries, threads: 1, copies: 3))
    let plan = SlurmPlan(
      binary: executablePath(), dir: absolutePath(dir), scenarios: planned, paths: paths,
      shards: shards, partition: partition, time: time, cpusPerTask: cpusPerTask,
      mem: mem ?? estimate, mergeMem: mergeMem)
    let folder = URL(fileURLWithPath: plan.dir)
    do {
      for sub in ["parts", "logs"] + (planned.count > 1 ? ["results"] : []) {
        try FileManager.default.createDirectory(
          at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
      }
    } catch {
      throw InputFailure(
        command: "plan",
        [
          "--dir \(dir): expected a folder that can be made and written, found that it cannot (\(error.localizedDescription))"
        ])
    }
    for (name, text, executable) in [
      ("run.sbatch", plan.runScript, false), ("merge.sbatch", plan.mergeScript, false),
      ("submit.sh", plan.submitScript, true),
    ] {
      let path = folder.appendingPathComponent(name).path
      try writeData(Data(text.utf8), to: path, command: "plan")
      if executable { chmod(path, 0o755) }
    }
    emit(plan.summary)
  }

  /// `path` made absolute against the working folder, with `.` and `..` resolved.
  func absolutePath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
  }

  /// The absolute path of the running `buig`, which the scripts call.
  func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if n > 0 { return String(cString: buffer) }
    return absolutePath(CommandLine.arguments[0])
  }
}

/// The scripts of a Slurm plan: what each task runs, derived from the plan alone, so that the
/// same plan writes the same bytes.
struct SlurmPlan {
  /// One planned scenario.
  struct Scenario {
    /// Its file, absolute.
    var file: String
    /// Its name: the file's name without `.json`; its parts and result are named after it.
    var name: String
    /// SHA-256 of its bytes at planning, which each task checks (`--expect-sha256`).
    var sha256: String
    /// The seed its tasks run with.
    var seed: UInt64
    /// Its Monte Carlo series (for the memory estimate).
    var series: Int
  }

  /// The `buig` binary the scripts call, absolute.
  var binary: String
  /// The plan's folder, absolute.
  var dir: String
  /// The scenarios, in the order given.
  var scenarios: [Scenario]
  /// Paths of each whole run.
  var paths: Int
  /// Shards per scenario.
  var shards: Int
  /// Slurm partition, when given.
  var partition: String?
  /// Time limit per task, when given.
  var time: String?
  /// Cores (and worker threads) per task.
  var cpusPerTask: Int
  /// Memory per shard task, MB.
  var mem: Int
  /// Memory of the merge job, MB.
  var mergeMem: Int

  /// Array tasks: shards × scenarios.
  var tasks: Int { shards * scenarios.count }

  /// The most paths one shard runs: shards are cut on whole tiles (`PartialResult.range`), so
  /// they differ by up to a tile.
  static func largestShard(paths: Int, shards: Int) -> Int {
    (1...shards).map { PartialResult.range(shard: $0, of: shards, paths: paths).count }.max() ?? 0
  }

  /// A byte count in whole MB (MiB, as Slurm's `--mem` counts them), rounded up.
  static func megabytes(_ bytes: Double) -> Int { Int((bytes / 0x1p20).rounded(.up)) }

  /// Whether `text` is a time limit Slurm accepts: minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S,
  /// or UNLIMITED / INFINITE.
  static func isTime(_ text: String) -> Bool {
    if ["UNLIMITED", "INFINITE"].contains(text.uppercased()) { return true }
    let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard dayParts.count <= 2 else { return false }
    func digits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0 >= "0" && $0 <= "9" } }
    if dayParts.count == 2 && !digits(dayParts[0]) { return false }
    let clock = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false)
    return (1...3).contains(clock.count) && clock.allSatisfy(digits)
  }

  /// Whether `text` is a partition name (or a comma-separated list of them).
  static func isName(_ text: String) -> Bool {
    !text.isEmpty
      && text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
        !part.isEmpty
          && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
      }
  }

  /// `text` as one word for bash: single quotes, with each `'` written `'\''`.
  static func quoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }

  /// The part file of shard `k` (0-based) of a scenario.
  func part(_ s: Scenario, _ k: Int) -> String { "\(dir)/parts/\(s.name)-\(k).bin" }

  /// Where a scenario's merged result goes.
  func result(_ s: Scenario) -> String {
    scenarios.count == 1 ? "\(dir)/result.json" : "\(dir)/results/\(s.name).json"
  }

  /// One `#SBATCH` line per option.
  func directives(_ options: [String]) -> String {
    options.map { "#SBATCH \($0)\n" }.joined()
  }

  /// The header shared by both scripts: what planned them and for what.
  var header: String {
    let list = scenarios.map { "\($0.name) (sha256 \($0.sha256), seed \($0.seed))" }
    return """
      #!/bin/bash
      # Planned by buig \(BuigVersion.current): \(scenarios.count) scenario\(scenarios.count == 1 ? "" : "s") × \(shards) shard\(shards == 1 ? "" : "s") of \(paths) paths in all.
      # \(list.joined(separator: "\n# "))

      """
  }

  /// Scheduling options both scripts share.
  var common: [String] {
    (partition.map { ["--partition=\($0)"] } ?? []) + (time.map { ["--time=\($0)"] } ?? [])
  }

  /// The job array: task i runs shard i mod M + 1 of scenario i / M.
  var runScript: String {
    let q = SlurmPlan.quoted
    return header
      + directives(
        [
          "--job-name=buig-run", "--array=0-\(tasks - 1)", "--output=\(dir)/logs/run-%A_%a.out",
          "--error=\(dir)/logs/run-%A_%a.err", "--cpus-per-task=\(cpusPerTask)", "--mem=\(mem)",
          "--requeue",
        ] + common)
        + """
        set -euo pipefail
        buig=\(q(binary))
        files=(\(scenarios.map { q($0.file) }.joined(separator: " ")))
        names=(\(scenarios.map { q($0.name) }.joined(separator: " ")))
        hashes=(\(scenarios.map(\.sha256).joined(separator: " ")))
        seeds=(\(scenarios.map { String($0.seed) }.joined(separator: " ")))
        shards=\(shards)
        i=${SLURM_ARRAY_TASK_ID:?run this script as a job array: sbatch run.sbatch}
        s=$((i / shards))
        k=$((i % shards))
        exec "$buig" run "${files[s]}" --paths \(paths) --seed "${seeds[s]}" \\
          --shard "$((k + 1))/$shards" --threads \(cpusPerTask) --quiet \\
          --expect-sha256 "${hashes[s]}" --output \(q(dir))"/parts/${names[s]}-$k.bin"

        """
  }

  /// The merge job: every part must be there; `buig merge` then checks that they belong to one
  /// run (hash, seed, paths, engine) and writes each scenario's result.
  var mergeScript: String {
    let q = SlurmPlan.quoted
    var body =
      header
      + directives(
        [
          "--job-name=buig-merge", "--output=\(dir)/logs/merge-%j.out",
          "--error=\(dir)/logs/merge-%j.err", "--mem=\(mergeMem)",
        ] + common)
        + """
        set -euo pipefail
        buig=\(q(binary))
        missing=0
        check() {
          if [ ! -f "$1" ]; then
            echo "buig merge: $1: expected the part of array task $2, found no such file: rerun it (sbatch --array=$2 \(dir)/run.sbatch), then this merge" >&2
            missing=1
          fi
        }

        """
    for (si, s) in scenarios.enumerated() {
      for k in 0..<shards { body += "check \(q(part(s, k))) \(si * shards + k)\n" }
    }
    body += "[ \"$missing\" -eq 0 ] || exit 1\n"
    for s in scenarios {
      body += "\"$buig\" merge"
      for k in 0..<shards { body += " \\\n  \(q(part(s, k)))" }
      body += " \\\n  --format json --output \(q(result(s)))\n"
    }
    return body
  }

  /// Submits the array, then the merge after it; prints both job ids.
  var submitScript: String {
    let q = SlurmPlan.quoted
    return """
      #!/bin/bash
      # Submits the plan in \(dir): the job array of \(tasks) shard task\(tasks == 1 ? "" : "s"), then the merge,
      # which starts only when every task succeeded (--dependency=afterok).
      set -euo pipefail
      array=$(sbatch --parsable \(q(dir + "/run.sbatch")))
      array=${array%%;*}
      merge=$(sbatch --parsable --dependency=afterok:"$array" \(q(dir + "/merge.sbatch")))
      merge=${merge%%;*}
      echo "array job: $array (\(tasks) task\(tasks == 1 ? "" : "s"))"
      echo "merge job: $merge (after the array succeeds)"
      echo "result: \(scenarios.count == 1 ? "\(dir)/result.json" : "\(dir)/results/")"

      """
  }

  /// What `buig plan` prints: what was written and how to submit it.
  var summary: String {
    let perShard = SlurmPlan.largestShard(paths: paths, shards: shards)
    return """
      Planned \(scenarios.count) scenario\(scenarios.count == 1 ? "" : "s") × \(shards) shard\(shards == 1 ? "" : "s") = \(tasks) array task\(tasks == 1 ? "" : "s") of at most \(Money.group(String(perShard))) paths, \(cpusPerTask) core\(cpusPerTask == 1 ? "" : "s") and \(Money.group(String(mem))) MB each; the merge asks \(Money.group(String(mergeMem))) MB.
        \(dir)/run.sbatch     the job array (buig run --shard K/\(shards))
        \(dir)/merge.sbatch   buig merge into \(scenarios.count == 1 ? "\(dir)/result.json" : "\(dir)/results/NAME.json")
        \(dir)/submit.sh      submits both and prints the job ids
      Submit on the cluster:  bash \(dir)/submit.sh

      """
  }
}
