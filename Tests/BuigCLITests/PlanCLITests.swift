import Foundation
import Testing

/// `buig plan` and `buig run --expect-sha256`. The scripts are run here by bash with
/// `SLURM_ARRAY_TASK_ID` set as Slurm sets it; `make test-slurm` runs them on a real Slurm.
@Suite("Plan: shards as a Slurm job array")
struct PlanCLITests {
  let groningen = packageRoot.appendingPathComponent("scenarios/groningen-2018.json")
  let mechanistic = packageRoot.appendingPathComponent("scenarios/groningen-2018-mechanistic.json")

  /// A scratch folder with a copy of a shipped scenario (so that a test may change it).
  func copy(_ scenario: URL, into dir: URL, as name: String? = nil) throws -> URL {
    let file = dir.appendingPathComponent(name ?? scenario.lastPathComponent)
    try FileManager.default.copyItem(at: scenario, to: file)
    return file
  }

  func read(_ url: URL) throws -> Data { try Data(contentsOf: url) }

  @Test func theTasksAndTheMergeGiveTheBytesOfOneRun() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let scenario = try copy(groningen, into: dir)
    let plan = dir.appendingPathComponent("plan")
    let p = try buig([
      "plan", scenario.path, "--paths", "3000", "--shards", "3", "--seed", "11", "--scheduler",
      "slurm", "--dir", plan.path, "--partition", "debug", "--time", "00:10:00",
    ])
    #expect(p.status == 0, "\(p.stderr)")
    #expect(p.stdout.contains("1 scenario × 3 shards = 3 array tasks"))
    #expect(p.stdout.contains("bash \(plan.path)/submit.sh"))
    let run = try String(decoding: read(plan.appendingPathComponent("run.sbatch")), as: UTF8.self)
    #expect(run.contains("#SBATCH --array=0-2\n"))
    #expect(run.contains("#SBATCH --requeue\n"))
    #expect(run.contains("#SBATCH --partition=debug\n"))
    #expect(run.contains("#SBATCH --time=00:10:00\n"))
    #expect(run.contains("#SBATCH --mem="))
    let sum = try runProgram(URL(fileURLWithPath: "/usr/bin/sha256sum"), [scenario.path])
    let sha = try #require(sum.stdout.split(separator: " ").first)
    #expect(run.contains("hashes=(\(sha))"))
    #expect(
      run.contains(
        "'\(productsDirectory.appendingPathComponent("buig").resolvingSymlinksInPath().path)'"))
    let submit = plan.appendingPathComponent("submit.sh")
    let mode =
      try FileManager.default.attributesOfItem(atPath: submit.path)[.posixPermissions] as? Int
    #expect(mode == 0o755)
    for name in ["run.sbatch", "merge.sbatch", "submit.sh"] {
      let syntax = try runProgram(
        URL(fileURLWithPath: "/bin/bash"), ["-n", plan.appendingPathComponent(name).path])
      #expect(syntax.status == 0, "\(name): \(syntax.stderr)")
    }
    // Without Slurm's variable the array script says how to run it.
    let bare = try bash(plan.appendingPathComponent("run.sbatch").path)
    #expect(bare.status != 0)
    #expect(bare.stderr.contains("run this script as a job array"))
    for task in 0..<3 {
      let t = try bash(
        plan.appendingPathComponent("run.sbatch").path,
        environment: ["SLURM_ARRAY_TASK_ID": String(task)])
      #expect(t.status == 0, "task \(task): \(t.stderr)")
    }
    let merge = try bash(plan.appendingPathComponent("merge.sbatch").path)
    #expect(merge.status == 0, "\(merge.stderr)")
    let one = try buig([
      "run", scenario.path, "--paths", "3000", "--seed", "11", "--format", "json",
    ])
    #expect(one.status == 0)
    let merged = try read(plan.appendingPathComponent("result.json"))
    #expect(merged == Data(one.stdout.utf8))

    // A retried task writes the same bytes; the merge again gives the same result.
    let part = plan.appendingPathComponent("parts/groningen-2018-1.bin")
    let before = try read(part)
    let again = try bash(
      plan.appendingPathComponent("run.sbatch").path, environment: ["SLURM_ARRAY_TASK_ID": "1"])
    #expect(again.status == 0)
    #expect(try read(part) == before)
    #expect(try bash(plan.appendingPathComponent("merge.sbatch").path).status == 0)
    #expect(try read(plan.appendingPathComponent("result.json")) == merged)

    // A missing part: the merge names it and the task that writes it, and writes nothing.
    try FileManager.default.removeItem(at: plan.appendingPathComponent("result.json"))
    try FileManager.default.removeItem(at: part)
    let missing = try bash(plan.appendingPathComponent("merge.sbatch").path)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("groningen-2018-1.bin: expected the part of array task 1"))
    #expect(missing.stderr.contains("sbatch --array=1 \(plan.path)/run.sbatch"))
    #expect(
      !FileManager.default.fileExists(atPath: plan.appendingPathComponent("result.json").path))

    // A part of another run (another seed) is refused by buig merge's own checks.
    let other = try buig([
      "run", scenario.path, "--paths", "3000", "--seed", "12", "--shard", "2/3", "--output",
      part.path,
    ])
    #expect(other.status == 0, "\(other.stderr)")
    let foreign = try bash(plan.appendingPathComponent("merge.sbatch").path)
    #expect(foreign.status == 1)
    #expect(foreign.stderr.contains("seed"), "\(foreign.stderr)")

    // The scenario changed since planning: the task refuses it before running a path.
    var bytes = try read(scenario)
    bytes.append(contentsOf: Array("\n".utf8))
    try bytes.write(to: scenario)
    let changed = try bash(
      plan.appendingPathComponent("run.sbatch").path, environment: ["SLURM_ARRAY_TASK_ID": "1"])
    #expect(changed.status == 1)
    #expect(changed.stderr.contains("the file changed since the run was planned"))
    #expect(changed.stderr.contains("found SHA-256 "))
  }

  @Test func severalScenariosShareOneArray() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = dir.appendingPathComponent("plan")
    let p = try buig([
      "plan", groningen.path, mechanistic.path, "--paths", "600", "--shards", "2", "--scheduler",
      "slurm", "--dir", plan.path, "--cpus-per-task", "2",
    ])
    #expect(p.status == 0, "\(p.stderr)")
    let run = try String(decoding: read(plan.appendingPathComponent("run.sbatch")), as: UTF8.self)
    #expect(run.contains("#SBATCH --array=0-3\n"))
    #expect(run.contains("#SBATCH --cpus-per-task=2\n"))
    #expect(run.contains("--threads 2"))
    // Each scenario's own seed when --seed is not given.
    #expect(run.contains("seeds=(2018 2018)"))
    for task in 0..<4 {
      let t = try bash(
        plan.appendingPathComponent("run.sbatch").path,
        environment: ["SLURM_ARRAY_TASK_ID": String(task)])
      #expect(t.status == 0, "task \(task): \(t.stderr)")
    }
    #expect(try bash(plan.appendingPathComponent("merge.sbatch").path).status == 0)
    for (file, name) in [
      (groningen, "groningen-2018"), (mechanistic, "groningen-2018-mechanistic"),
    ] {
      let one = try buig(["run", file.path, "--paths", "600", "--format", "json"])
      let merged = try read(plan.appendingPathComponent("results/\(name).json"))
      #expect(merged == Data(one.stdout.utf8), "\(name)")
    }
  }

  @Test func badPlansAreRefusedBeforeAnythingIsWritten() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let plan = dir.appendingPathComponent("plan").path
    let base = ["plan", groningen.path, "--scheduler", "slurm", "--dir", plan]
    for (extra, status, fragment) in [
      (
        ["--paths", "100000", "--shards", "4", "--mem", "10"], Int32(2),
        "paths per shard need about"
      ),
      (["--paths", "10", "--shards", "11"], 2, "--shards: expected 1 to 10 shards"),
      (
        ["--paths", "1000", "--shards", "2", "--time", "ten minutes"], 2,
        "--time: expected a Slurm time"
      ),
      (
        ["--paths", "1000", "--shards", "2", "--partition", "a b"], 2,
        "--partition: expected a partition name"
      ),
      (
        ["--paths", "1000", "--shards", "2", "--cpus-per-task", "0"], 2,
        "--cpus-per-task: expected at least 1"
      ),
    ] {
      let r = try buig(base + extra)
      #expect(r.status == status, "\(extra): \(r.stderr)")
      #expect(r.stderr.contains(fragment), "\(extra): \(r.stderr)")
    }
    let noScheduler = try buig([
      "plan", groningen.path, "--paths", "10", "--shards", "2", "--dir", plan,
    ])
    #expect(noScheduler.status == 2)
    #expect(noScheduler.stderr.contains("--scheduler"))
    let pbs = try buig(base + ["--paths", "10", "--shards", "2", "--scheduler", "pbs"])
    #expect(pbs.status == 2)
    // Two files of the same name would write the same parts.
    let sub = dir.appendingPathComponent("other")
    try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
    let twin = try copy(groningen, into: sub)
    let twins = try buig([
      "plan", groningen.path, twin.path, "--paths", "10", "--shards", "2", "--scheduler", "slurm",
      "--dir", plan,
    ])
    #expect(twins.status == 1)
    #expect(twins.stderr.contains("found groningen-2018 twice"))
    // A scenario with an error: its message, and no plan.
    let broken = dir.appendingPathComponent("broken.json")
    try Data(#"{"schemaVersion": 1}"#.utf8).write(to: broken)
    let b = try buig([
      "plan", broken.path, "--paths", "10", "--shards", "2", "--scheduler", "slurm", "--dir", plan,
    ])
    #expect(b.status == 1)
    #expect(b.stderr.contains("broken.json"))
    #expect(!FileManager.default.fileExists(atPath: plan))
  }

  @Test func expectSHA256IsCheckedForUse() throws {
    let bad = try buig(["run", groningen.path, "--paths", "0", "--expect-sha256", "abc"])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("--expect-sha256: expected 64 hexadecimal digits"))
    let none = try buig([
      "run", "--paths", "0", "--expect-sha256", String(repeating: "a", count: 64),
    ])
    #expect(none.status == 2)
    #expect(none.stderr.contains("checks a scenario FILE"))
    let wrong = try buig([
      "run", groningen.path, "--paths", "0", "--expect-sha256", String(repeating: "a", count: 64),
    ])
    #expect(wrong.status == 1)
    #expect(wrong.stdout.isEmpty)
  }
}
