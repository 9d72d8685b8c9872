// Package rules is the rule engine of the titre professionnel: the
// modalités d'obtention of the référentiel, the arrêté du 22 décembre 2015
// and the règlement général des sessions (arrêté du 21 juillet 2016),
// written as pure functions. It has no database and no clock: every date
// it needs is an argument, so a decision can be replayed years later and
// give the same answer.
//
// Two questions are answered:
//
//   - VerifierInscription: may this candidat sit these CCP at this planned
//     session, and does the entretien final take place there? A refusal is
//     a *Refus whose Message tells the centre what is missing.
//   - Decider: given everything the jury recorded for a candidat, what is
//     the outcome of one of its sessions (titre, réussite partielle, échec,
//     absence), which CCP count towards the titre, and why? Each step of the
//     reasoning is a RegleAppliquee citing the text it rests on. A history
//     that the rules could not have produced is an *Incoherence.
//
// Durations, the minimum jury size and the experience minima are not
// constants: they are Parametres loaded from fixtures/parametres.json, each
// with its period of effect and the text it cites, so that a value marked
// "à vérifier" can be corrected without a release.
//
// Dates are calendar days; the time of day and the location are ignored.
// A period of n months from a date ends on the day with the same number n
// months later (Code de procédure civile, art. 641), clamped to the end of
// a shorter month: a recevabilité notified on 15/01/2024 is still valid on
// 15/01/2025.
//
// Earlier passages count and later ones never do: the outcome of a session
// depends only on the history up to and including that session. A CCP once
// acquired is never lost; whether it still counts for the titre depends on
// the version the candidat is evaluated under and on the date.
package rules
