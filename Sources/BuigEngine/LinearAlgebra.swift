import CBLAS

/// Dense linear algebra on LAPACK (through OpenBLAS), on row-major `[Double]` matrices.
public enum LinearAlgebra {
  /// Problems LAPACK reports.
  public enum Failure: Error, Equatable, Sendable {
    /// The matrix is not positive definite (the order of the leading minor that is not).
    case notPositiveDefinite(minor: Int)
    /// The matrix is singular (the zero pivot's index).
    case singular(pivot: Int)
    /// The eigen solver did not converge.
    case noConvergence(Int)
  }

  /// The lower Cholesky factor L (row-major, n×n) of a symmetric positive definite matrix A
  /// (row-major): A = L·Lᵀ, by LAPACK `dpotrf`.
  ///
  /// - Complexity: O(n³/3).
  public static func cholesky(_ a: [Double], n: Int) throws(Failure) -> [Double] {
    // A row-major symmetric matrix is its own column-major transpose; dpotrf with "U" on the
    // column-major data gives U with A = UᵀU, and U read row-major is Uᵀ = L.
    var m = a
    try factor(&m, n: n)
    // Keep the lower triangle (row-major), zero the rest.
    for i in 0..<n {
      for j in (i + 1)..<max(i + 1, n) where j < n { m[i * n + j] = 0 }
    }
    return m
  }

  /// `dpotrf` with "U" on column-major data in place: A = UᵀU in the upper triangle (the lower
  /// triangle of the row-major matrix), or the order of the first minor that is not positive.
  private static func factor(_ m: inout [Double], n: Int) throws(Failure) {
    var info: Int32 = 0
    var nn = Int32(n)
    var lda = Int32(n)
    var uplo = CChar(UInt8(ascii: "U"))
    dpotrf_(&uplo, &nn, &m, &lda, &info, 1)
    if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
  }

  /// The inverse of a symmetric positive definite matrix A (row-major, n×n), from its
  /// Cholesky factor: LAPACK `dpotrf` then `dpotri`. A covariance from an information matrix.
  ///
  /// - Complexity: O(n³).
  public static func inverseSPD(_ a: [Double], n: Int) throws(Failure) -> [Double] {
    var m = a  // symmetric: row-major = column-major
    try factor(&m, n: n)
    var info: Int32 = 0
    var nn = Int32(n)
    var lda = Int32(n)
    var uplo = CChar(UInt8(ascii: "U"))
    dpotri_(&uplo, &nn, &m, &lda, &info, 1)
    if info > 0 { throw .singular(pivot: Int(info)) }
    // dpotri fills the upper triangle (column-major): mirror it.
    for j in 0..<n { for i in 0..<j { m[i * n + j] = m[j * n + i] } }
    return m
  }

  /// Solves A·X = B for X (A n×n, B n×k, both row-major) by LU with partial pivoting (LAPACK
  /// `dgesv`).
  ///
  /// - Complexity: O(n³ + n²k).
  public static func solve(_ a: [Double], n: Int, _ b: [Double], columns k: Int) throws(Failure)
    -> [Double]
  {
    // Column-major A is the transpose of row-major A: transpose explicitly.
    var colA = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { colA[j * n + i] = a[i * n + j] } }
    var colB = [Double](repeating: 0, count: n * k)
    for i in 0..<n { for j in 0..<k { colB[j * n + i] = b[i * k + j] } }
    var nn = Int32(n)
    var nrhs = Int32(k)
    var lda = Int32(n)
    var ldb = Int32(n)
    var ipiv = [Int32](repeating: 0, count: n)
    var info: Int32 = 0
    dgesv_(&nn, &nrhs, &colA, &lda, &ipiv, &colB, &ldb, &info)
    if info > 0 { throw .singular(pivot: Int(info)) }
    var x = [Double](repeating: 0, count: n * k)
    for i in 0..<n { for j in 0..<k { x[i * k + j] = colB[j * n + i] } }
    return x
  }

  /// Eigenvalues (ascending) and eigenvectors (as the columns of a row-major n×n matrix) of a
  /// symmetric matrix, by LAPACK `dsyevd` (divide and conquer).
  ///
  /// - Complexity: O(n³).
  public static func symmetricEigen(_ a: [Double], n: Int) throws(Failure) -> (
    values: [Double], vectors: [Double]
  ) {
    var m = a  // symmetric: row-major = column-major
    var w = [Double](repeating: 0, count: n)
    var jobz = CChar(UInt8(ascii: "V"))
    var uplo = CChar(UInt8(ascii: "L"))
    var nn = Int32(n)
    var lda = Int32(n)
    var info: Int32 = 0
    var lwork: Int32 = -1
    var liwork: Int32 = -1
    var workQuery = [Double](repeating: 0, count: 1)
    var iworkQuery = [Int32](repeating: 0, count: 1)
    dsyevd_(&jobz, &uplo, &nn, &m, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info, 1, 1)
    lwork = Int32(workQuery[0])
    liwork = iworkQuery[0]
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    dsyevd_(&jobz, &uplo, &nn, &m, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
    if info != 0 { throw .noConvergence(Int(info)) }
    // Column-major eigenvectors: column j at m[j*n ..< (j+1)*n]; return them as row-major columns.
    var v = [Double](repeating: 0, count: n * n)
    for j in 0..<n { for i in 0..<n { v[i * n + j] = m[j * n + i] } }
    return (w, v)
  }

  /// C = A·B for row-major A (m×k) and B (k×n), by `cblas_dgemm`.
  public static func multiply(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    cblas_dgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b,
      Int32(n), 0, &c, Int32(n))
    return c
  }
}

/// A correlation matrix of uncertain inputs and its Cholesky factor.
public struct Correlation: Sendable {
  /// The matrix used (row-major, n×n): as given, or repaired.
  public let matrix: [Double]
  /// Its lower Cholesky factor (row-major).
  public let factor: [Double]
  /// The order.
  public let n: Int
  /// When the given matrix was not positive definite and was repaired: the largest change of
  /// an entry and the Frobenius norm of the change.
  public let repair: (maxChange: Double, frobenius: Double)?

  /// Problems with a correlation matrix a user gave.
  public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not n×n.
    case shape(rows: Int, expected: Int)
    /// Not symmetric at (i, j).
    case notSymmetric(i: Int, j: Int)
    /// A diagonal entry other than 1.
    case diagonal(i: Int, value: Double)
    /// An entry outside [−1, 1].
    case outOfRange(i: Int, j: Int, value: Double)
    /// Not positive definite, and repair was not asked for.
    case notPositiveDefinite(smallestEigenvalue: Double)

    /// A message for people.
    public var description: String {
      switch self {
      case .shape(let r, let e):
        "the matrix must be \(e)×\(e) (one row and column per target), found \(r) rows"
      case .notSymmetric(let i, let j):
        "the matrix must be symmetric: entry [\(i)][\(j)] differs from [\(j)][\(i)]"
      case .diagonal(let i, let v): "diagonal entries must be 1, found \(v) at [\(i)][\(i)]"
      case .outOfRange(let i, let j, let v):
        "correlations lie between -1 and 1, found \(v) at [\(i)][\(j)]"
      case .notPositiveDefinite(let e):
        "the matrix is not positive definite (smallest eigenvalue \(e)): no set of inputs can have these correlations; correct it, or set \"repair\": true to use the nearest valid matrix"
      }
    }
  }

  /// Checks a correlation matrix and factors it. A matrix that is not positive definite is
  /// repaired when `repair` is true: its eigenvalues are raised to at least `floor` (1e-6), the
  /// matrix rebuilt from them (V·max(Λ, floor)·Vᵀ, LAPACK `dsyevd`) and rescaled to a unit
  /// diagonal (the eigenvalue-clipping method of Rousseeuw and Molenberghs, 1993); the change is
  /// reported.
  public init(rows: [[Double]], repair: Bool) throws(Problem) {
    let n = rows.count
    for r in rows where r.count != n { throw .shape(rows: n, expected: r.count) }
    for i in 0..<n {
      if abs(rows[i][i] - 1) > 1e-12 { throw .diagonal(i: i, value: rows[i][i]) }
      for j in 0..<n {
        if abs(rows[i][j]) > 1 { throw .outOfRange(i: i, j: j, value: rows[i][j]) }
        if abs(rows[i][j] - rows[j][i]) > 1e-12 { throw .notSymmetric(i: i, j: j) }
      }
    }
    let a = rows.flatMap { $0 }
    self.n = n
    if let l = try? LinearAlgebra.cholesky(a, n: n) {
      matrix = a
      factor = l
      self.repair = nil
      return
    }
    let eigen: (values: [Double], vectors: [Double])
    do {
      eigen = try LinearAlgebra.symmetricEigen(a, n: n)
    } catch {
      throw .notPositiveDefinite(smallestEigenvalue: .nan)
    }
    guard repair else { throw .notPositiveDefinite(smallestEigenvalue: eigen.values.first ?? .nan) }
    let floor = 1e-6
    var b = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        var s = 0.0
        for k in 0..<n {
          s += eigen.vectors[i * n + k] * max(eigen.values[k], floor) * eigen.vectors[j * n + k]
        }
        b[i * n + j] = s
      }
    }
    var repaired = b
    for i in 0..<n {
      for j in 0..<n {
        repaired[i * n + j] = b[i * n + j] / (b[i * n + i] * b[j * n + j]).squareRoot()
      }
    }
    var maxChange = 0.0
    var frob = 0.0
    for k in 0..<(n * n) {
      let d = repaired[k] - a[k]
      maxChange = max(maxChange, abs(d))
      frob += d * d
    }
    guard let l = try? LinearAlgebra.cholesky(repaired, n: n) else {
      throw .notPositiveDefinite(smallestEigenvalue: eigen.values.first ?? .nan)
    }
    matrix = repaired
    factor = l
    self.repair = (maxChange, frob.squareRoot())
  }
}
