// The error every API call in the browser throws: status plus the `{error:{code,message,field?}}`
// body the API answers with.
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}
