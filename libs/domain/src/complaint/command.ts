import type * as t from 'io-ts';
import type * as C from '@redress/contracts';

type Body<Codec extends t.Mixed> = t.TypeOf<Codec>;

/** What staff ask of a complaint. Receive carries the id chosen by the caller (see the command handler). */
export type ComplaintCommand =
  | { readonly type: 'ReceiveComplaint'; readonly complaintId: string; readonly body: Body<typeof C.ReceiveComplaintBody> }
  | { readonly type: 'AcknowledgeComplaint'; readonly body: Body<typeof C.AcknowledgeBody> }
  | { readonly type: 'ClassifyComplaint'; readonly body: Body<typeof C.ClassifyBody> }
  | { readonly type: 'AssignComplaint'; readonly body: Body<typeof C.AssignBody> }
  | { readonly type: 'AddInvestigationNote'; readonly body: Body<typeof C.InvestigationNoteBody> }
  | { readonly type: 'IdentifyRootCause'; readonly body: Body<typeof C.RootCauseBody> }
  | { readonly type: 'ProposeResolution'; readonly body: Body<typeof C.ResolutionBody> }
  | { readonly type: 'ApproveResolution'; readonly body: Body<typeof C.ApproveResolutionBody> }
  | { readonly type: 'DeclineResolution'; readonly body: Body<typeof C.DeclineResolutionBody> }
  | { readonly type: 'ImplementResolution'; readonly body: Body<typeof C.ImplementBody> }
  | { readonly type: 'RecordContact'; readonly body: Body<typeof C.ContactBody> }
  | { readonly type: 'RecordFollowUp'; readonly body: Body<typeof C.FollowUpBody> }
  | { readonly type: 'CloseComplaint'; readonly body: Body<typeof C.CloseBody> }
  | { readonly type: 'ReopenComplaint'; readonly body: Body<typeof C.ReopenBody> }
  | { readonly type: 'RejectComplaint'; readonly body: Body<typeof C.RejectBody> }
  | { readonly type: 'WithdrawComplaint'; readonly body: Body<typeof C.WithdrawBody> }
  | { readonly type: 'EscalateComplaint'; readonly body: Body<typeof C.EscalateBody> }
  | { readonly type: 'LinkRectification'; readonly body: Body<typeof C.RectificationLinked> }
  /** The complainant's erasure, applied to each of their cases (POST /complainants/:id/erase). */
  | { readonly type: 'ErasePersonalData'; readonly body: Body<typeof C.PersonalDataErased> }
  /** The SLA scheduler's: record every breach that is due. */
  | { readonly type: 'RecordSlaBreaches' };

export type ComplaintCommandType = ComplaintCommand['type'];
