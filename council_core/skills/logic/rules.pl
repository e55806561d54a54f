/*  Council's fixed rule library for the logic skill.

    Everything the user says arrives as DATA: fact(Rel, A, B) terms built through the
    foreign-language term API (atoms, integers, lists), never parsed from text. The only
    entry points are run/5 (one bounded question) and the kb_* predicates (the personal
    knowledge base). No rule here calls a term that came from the user: goals are matched
    against the fixed answer/2 clauses below.

    Closures terminate on left recursion and cycles: anc/2, loc/2 and gt/3 are tabled;
    the explanation paths use breadth-first search with a visited set.
*/
:- module(council_logic, [run/5, kb_replace/1, kb_add/1, kb_clear/0, kb_count/1]).
:- use_module(library(time)).
:- use_module(library(lists)).
:- use_module(library(apply)).
:- use_module(library(assoc)).

:- dynamic fact/3.
:- dynamic kb/3.

:- table anc/2, loc/2, gt/3.

% ----- entry points -------------------------------------------------------------------

run(Facts, Goal, Seconds, Inferences, Result) :-
    retractall(fact(_, _, _)),
    abolish_all_tables,
    (   catch(call_with_time_limit(Seconds,
                  call_with_inference_limit(bounded(Facts, Goal, R0), Inferences, LR)),
              E, true)
    ->  true
    ;   LR = failed
    ),
    retractall(fact(_, _, _)),
    abolish_all_tables,
    (   nonvar(E) -> classify(E, Result)
    ;   LR == inference_limit_exceeded -> Result = limit(inferences)
    ;   LR == failed -> Result = failed
    ;   Result = R0
    ).

bounded(Facts, Goal, R) :-
    maplist(add_fact, Facts),
    (   answer(Goal, R0) -> R = R0 ; R = failed ).

add_fact(f(R, A, B)) :- !, assertz(fact(R, A, B)).
add_fact(Other) :- domain_error(council_fact, Other).

classify(time_limit_exceeded, limit(time)) :- !.
classify(E, error(S)) :- format(string(S), "~q", [E]).

kb_replace(Facts) :- retractall(kb(_, _, _)), abolish_all_tables, maplist(kb_add1, Facts).
kb_add(Facts) :- abolish_all_tables, maplist(kb_add1, Facts).
kb_add1(f(R, A, B)) :- assertz(kb(R, A, B)).
kb_clear :- retractall(kb(_, _, _)), abolish_all_tables.
kb_count(N) :- aggregate_all(count, kb(_, _, _), N).

f(R, A, B) :- fact(R, A, B).
f(R, A, B) :- kb(R, A, B).

% ----- breadth-first paths with a visited set ----------------------------------------

% path(+Kind, +From, ?To, -Steps): shortest chain of edge/4 steps from From to To.
path(Kind, From, To, Steps) :-
    empty_assoc(V0), put_assoc(From, V0, t, V),
    bfs(Kind, [From-[]], V, To, Rev),
    reverse(Rev, Steps).

bfs(Kind, [N-P|Rest], Visited, To, Path) :-
    (   To = N, Path = P
    ;   findall(M-S, edge(Kind, N, M, S), Out),
        foldl(enqueue(P), Out, Visited-[], V2-NewRev),
        reverse(NewRev, New),
        append(Rest, New, Queue),
        Queue \== [],
        bfs(Kind, Queue, V2, To, Path)
    ).

enqueue(P, M-S, V-Acc, V2-Acc2) :-
    (   get_assoc(M, V, _) -> V2 = V, Acc2 = Acc
    ;   put_assoc(M, V, t, V2), Acc2 = [M-[S|P]|Acc]
    ).

strict_path(Kind, From, To, Steps) :- path(Kind, From, To, Steps), Steps \== [].

edge(sub, A, B, f(all, A, B)) :- f(all, A, B).
edge(parent, X, Y, S) :- parent(X, Y, S).
edge(loc, X, Y, f(in, X, Y)) :- f(in, X, Y).
edge(loc, X, Y, f(part, X, Y)) :- f(part, X, Y).
edge(gt(D), X, Y, f(cmp(D), X, Y)) :- f(cmp(D), X, Y).
edge(verb(V), X, Y, f(verb(V), X, Y)) :- f(verb(V), X, Y).

% ----- categorical syllogisms ---------------------------------------------------------

subeq(A, B, Steps) :- path(sub, A, B, Steps).

isa(X, C, [f(isa, X, B)|Steps]) :- f(isa, X, B), subeq(B, C, Steps).

disj(A, B, Steps) :-
    subeq(A, A1, S1), no_fact(A1, B1, S), subeq(B, B1, S2),
    append([S1, [S], S2], Steps).
no_fact(A, B, f(no, A, B)) :- f(no, A, B).
no_fact(A, B, f(no, B, A)) :- f(no, B, A).

nisa(X, C, [f(nisa, X, C)]) :- f(nisa, X, C).
nisa(X, C, Steps) :- isa(X, B, S1), disj(B, C, S2), append(S1, S2, Steps).
nisa(X, C, Steps) :- strict_path(sub, C, D, S1), f(nisa, X, D), append(S1, [f(nisa, X, D)], Steps).

some(A, C, Steps) :-
    some_fact(A0, B0, S), subeq(A0, A, S1), subeq(B0, C, S2), append([[S], S1, S2], Steps).
some(A, C, Steps) :-
    f(isa, X, _), isa(X, A, S1), isa(X, C, S2), append(S1, S2, Steps).
some_fact(A, B, f(some, A, B)) :- f(some, A, B).
some_fact(A, B, f(some, B, A)) :- f(some, B, A).

somenot(A, C, Steps) :-
    f(somenot, A0, C0), subeq(A0, A, S1), subeq(C, C0, S2),
    append([[f(somenot, A0, C0)], S1, S2], Steps).
somenot(A, C, Steps) :- some(A, B, S1), disj(B, C, S2), append(S1, S2, Steps).
somenot(A, C, Steps) :- f(isa, X, _), isa(X, A, S1), nisa(X, C, S2), append(S1, S2, Steps).

% ----- propositions: forward chaining with justifications -----------------------------

neg(p(A), n(A)).
neg(n(A), p(A)).

saturate(Known) :-
    findall(L-given, f(given, L, _), G0),
    saturate(G0, Known).
saturate(K, Final) :-
    (   derive(K, L, Why), \+ memberchk(L-_, K)
    ->  saturate([L-Why|K], Final)
    ;   Final = K
    ).

derive(K, Q, mp(Ps, Q)) :- f(imp, Ps, Q), forall(member(P, Ps), memberchk(P-_, K)).
derive(K, NP, mt(P, Q)) :- f(imp, [P], Q), neg(Q, NQ), memberchk(NQ-_, K), neg(P, NP).
derive(K, L2, ds(L1, L2)) :- f(or, L1, L2), neg(L1, N1), memberchk(N1-_, K).
derive(K, L1, ds(L2, L1)) :- f(or, L1, L2), neg(L2, N2), memberchk(N2-_, K).

% why(+Known, +Lit, -Steps): the premises that lead to Lit, in order.
why(K, L, Steps) :- why(K, L, [], Rev), reverse(Rev, Steps0), list_to_set(Steps0, Steps).
why(K, L, Acc0, Acc) :-
    memberchk(L-J, K),
    (   J == given -> Acc = [given(L)|Acc0]
    ;   J = mp(Ps, Q) -> foldl(why(K), Ps, Acc0, Acc1), Acc = [imp(Ps, Q)|Acc1]
    ;   J = mt(P, Q) -> neg(Q, NQ), why(K, NQ, Acc0, Acc1), Acc = [imp([P], Q)|Acc1]
    ;   J = ds(L1, L2) -> neg(L1, N1), why(K, N1, Acc0, Acc1), Acc = [or(L1, L2)|Acc1]
    ).

% ----- family -------------------------------------------------------------------------

parent(X, Y, f(parent, X, Y)) :- f(parent, X, Y).
parent(X, Y, f(father, X, Y)) :- f(father, X, Y).
parent(X, Y, f(mother, X, Y)) :- f(mother, X, Y).
parent(X, Y, f(child, Y, X)) :- f(child, Y, X).
parent(X, Y, f(son, Y, X)) :- f(son, Y, X).
parent(X, Y, f(daughter, Y, X)) :- f(daughter, Y, X).

male(X) :- member(R, [father, son, brother, husband, uncle, nephew, grandfather, grandson]),
    f(R, X, _), !.
male(X) :- f(isa, X, male), !.
female(X) :- member(R, [mother, daughter, sister, wife, aunt, niece, grandmother, granddaughter]),
    f(R, X, _), !.
female(X) :- f(isa, X, female), !.

sib_fact(X, Y, f(R, X, Y)) :- member(R, [sibling, brother, sister]), f(R, X, Y).
sib_fact(X, Y, f(R, Y, X)) :- member(R, [sibling, brother, sister]), f(R, Y, X).

sibling(X, Y, [S]) :- sib_fact(X, Y, S), X \== Y.
sibling(X, Y, [S1, S2]) :- parent(P, X, S1), parent(P, Y, S2), X \== Y.

spouse(X, Y, [f(R, X, Y)]) :- member(R, [spouse, husband, wife]), f(R, X, Y).
spouse(X, Y, [f(R, Y, X)]) :- member(R, [spouse, husband, wife]), f(R, Y, X).

anc(X, Y) :- parent(X, Y, _).
anc(X, Y) :- anc(X, Z), parent(Z, Y, _).

grand(X, Z, [S1, S2]) :- parent(X, Y, S1), parent(Y, Z, S2).
grand(X, Z, [f(grandparent, X, Z)]) :- f(grandparent, X, Z).
grand(X, Z, [f(grandfather, X, Z)]) :- f(grandfather, X, Z).
grand(X, Z, [f(grandmother, X, Z)]) :- f(grandmother, X, Z).
grand(X, Z, [f(grandchild, Z, X)]) :- f(grandchild, Z, X).

% rel(?Name, ?X, ?Y, -Steps): X is Y's Name.
rel(parent, X, Y, [S]) :- parent(X, Y, S).
rel(child, X, Y, [S]) :- parent(Y, X, S).
rel(sibling, X, Y, S) :- sibling(X, Y, S).
rel(spouse, X, Y, S) :- spouse(X, Y, S).
rel(grandparent, X, Y, S) :- grand(X, Y, S).
rel(grandchild, X, Y, S) :- grand(Y, X, S).
rel(auncle, X, Y, S) :- parent(P, Y, S1), sibling(X, P, S2), append(S2, [S1], S).
rel(nibling, X, Y, S) :- parent(P, X, S1), sibling(P, Y, S2), append([S1], S2, S).
rel(cousin, X, Y, S) :-
    parent(P, X, S1), parent(Q, Y, S2), sibling(P, Q, S3), append([[S1, S2], S3], S).
rel(ancestor, X, Y, S) :- anc(X, Y), strict_path(parent, X, Y, S).
rel(descendant, X, Y, S) :- anc(Y, X), strict_path(parent, Y, X, S).
rel(in, X, Y, S) :- loc(X, Y), strict_path(loc, X, Y, S).
rel(contains, X, Y, S) :- loc(Y, X), strict_path(loc, Y, X, S).
rel(gt(D), X, Y, S) :- gt(D, X, Y), strict_path(gt(D), X, Y, S).
rel(verb(V), X, Y, [f(verb(V), X, Y)]) :- f(verb(V), X, Y).

loc(X, Y) :- edge(loc, X, Y, _).
loc(X, Y) :- loc(X, Z), edge(loc, Z, Y, _).

gt(D, X, Y) :- f(cmp(D), X, Y).
gt(D, X, Y) :- gt(D, X, Z), f(cmp(D), Z, Y).

gendered(X, G) :- ( male(X) -> G = male ; female(X) -> G = female ; G = none ).

% The relations that a "what is the relationship" question may name, most specific first.
kinship([parent, child, sibling, spouse, grandparent, grandchild, auncle, nibling, cousin,
         ancestor, descendant]).

% ----- questions ----------------------------------------------------------------------

answer(yn(Q), R) :- yn(Q, R).
answer(who(Name, Y), who(List)) :-
    findall(X-G-S, (rel_gendered(Name, X, Y, S), X \== Y, gendered(X, G)), L0),
    first_per_key(L0, List).
answer(whose(Name, X), who(List)) :-
    findall(Y-G-S, (rel_gendered(Name, X, Y, S), X \== Y, gendered(Y, G)), L0),
    first_per_key(L0, List).
answer(members(C), who(List)) :-
    findall(X-none-S, (f(isa, X, _), isa(X, C, S)), L0),
    first_per_key(L0, List).
answer(relation(X, Y), relations(List)) :-
    kinship(Names),
    findall(N-G-S, (member(N, Names), once(rel(N, X, Y, S)), gendered(X, G)), List).
answer(best(D), Best) :- best(D, Best).
answer(worst(D), Best) :- worst(D, Best).
answer(pick(D, Xs), Best) :- pick(D, Xs, Best).
answer(day(Start, N), day(Day)) :-
    Days = [monday, tuesday, wednesday, thursday, friday, saturday, sunday],
    nth0(I, Days, Start), J is (I + N) mod 7, nth0(J, Days, Day).
answer(next(Kind, Xs), Next) :- next_in(Kind, Xs, Next).
answer(gender(X), gender(G)) :- gendered(X, G).

yn(isa(X, C), R) :-
    (   X == C -> R = yes([])
    ;   isa(X, C, S) -> R = yes(S)
    ;   nisa(X, C, S) -> R = no(S)
    ;   R = unknown ).
yn(nisa(X, C), R) :- yn(isa(X, C), R0), flip(R0, R).
yn(all(A, C), R) :-
    (   subeq(A, C, S) -> R = yes(S)
    ;   disj(A, C, S) -> R = no(S)
    ;   somenot(A, C, S) -> R = no(S)
    ;   R = unknown ).
yn(no(A, C), R) :-
    (   disj(A, C, S) -> R = yes(S)
    ;   some(A, C, S) -> R = no(S)
    ;   subeq(A, C, S) -> R = no(S)
    ;   R = unknown ).
yn(some(A, C), R) :-
    (   some(A, C, S) -> R = yes(S)
    ;   disj(A, C, S) -> R = no(S)
    ;   R = unknown ).
yn(somenot(A, C), R) :-
    (   somenot(A, C, S) -> R = yes(S)
    ;   subeq(A, C, S) -> R = no(S)
    ;   R = unknown ).
yn(prop(L), R) :-
    saturate(K),
    neg(L, NL),
    (   memberchk(L-_, K), memberchk(NL-_, K) -> R = contradiction
    ;   memberchk(L-_, K) -> why(K, L, S), R = yes(S)
    ;   memberchk(NL-_, K) -> why(K, NL, S), R = no(S)
    ;   R = unknown ).
yn(rel(gt(D), X, Y), R) :- !,
    (   X == Y -> R = no([])
    ;   rel(gt(D), X, Y, S) -> R = yes(S)
    ;   rel(gt(D), Y, X, S) -> R = no(S)
    ;   R = unknown ).
yn(rel(in, X, Y), R) :- !,
    (   rel(in, X, Y, S) -> R = yes(S)
    ;   rel(in, Y, X, S) -> R = no(S)
    ;   R = unknown ).
yn(rel(Name, X, Y), R) :-
    (   rel_gendered(Name, X, Y, S) -> R = yes(S)
    ;   R = closed_no ).

rel_gendered(Name, X, Y, S) :-
    once(gender_of(Name, Base, G)),
    rel(Base, X, Y, S), X \== Y,
    (   G == any -> true ; G == male -> \+ female(X) ; \+ male(X) ).

gender_of(father, parent, male).      gender_of(mother, parent, female).
gender_of(son, child, male).          gender_of(daughter, child, female).
gender_of(brother, sibling, male).    gender_of(sister, sibling, female).
gender_of(husband, spouse, male).     gender_of(wife, spouse, female).
gender_of(grandfather, grandparent, male). gender_of(grandmother, grandparent, female).
gender_of(grandson, grandchild, male). gender_of(granddaughter, grandchild, female).
gender_of(uncle, auncle, male).       gender_of(aunt, auncle, female).
gender_of(nephew, nibling, male).     gender_of(niece, nibling, female).
gender_of(N, N, any).

flip(yes(S), no(S)).
flip(no(S), yes(S)).
flip(unknown, unknown).

% ----- superlatives -------------------------------------------------------------------

dim_members(D, Xs) :- findall(X, (f(cmp(D), X, _) ; f(cmp(D), _, X)), L), sort(L, Xs).

best(D, R) :- dim_members(D, Xs), top(D, Xs, R).
worst(D, R) :-
    dim_members(D, Xs),
    (   member(X, Xs), forall((member(Y, Xs), Y \== X), (gt(D, Y, X), \+ gt(D, X, Y)))
    ->  R = best(X)
    ;   R = unknown(Xs) ).
top(D, Xs, R) :-
    (   member(X, Xs), forall((member(Y, Xs), Y \== X), (gt(D, X, Y), \+ gt(D, Y, X)))
    ->  R = best(X)
    ;   R = unknown(Xs) ).
pick(D, Xs, R) :- top(D, Xs, R).

% ----- sequences ----------------------------------------------------------------------

next_in(numbers, Xs, R) :- ( next_number(Xs, N, Why) -> R = next(N, Why) ; R = unknown(Xs) ).
next_in(letters, Cs, R) :-
    (   next_number(Cs, N, Why), N >= 0'a, N =< 0'z -> R = next(N, Why) ; R = unknown(Cs) ).
next_in(days, Is, R) :-
    (   diffs(Is, Ds), maplist([D, M]>>(M is D mod 7), Ds, Ms), all_same(Ms, Step)
    ->  last(Is, L), N is (L + Step) mod 7, R = next(N, step(Step))
    ;   R = unknown(Is) ).

next_number(Xs, N, step(D)) :- diffs(Xs, Ds), all_same(Ds, D), last(Xs, L), N is L + D.
next_number(Xs, N, ratio(Q)) :-
    \+ memberchk(0, Xs), ratios(Xs, Qs), all_same(Qs, Q), last(Xs, L), N is L * Q.
next_number(Xs, N, second(D2)) :-
    length(Xs, Len), Len >= 4,
    diffs(Xs, Ds), diffs(Ds, D2s), all_same(D2s, D2),
    last(Xs, L), last(Ds, LD), N is L + LD + D2.
next_number(Xs, N, fib) :-
    length(Xs, Len), Len >= 4, fibs(Xs), append(_, [A, B], Xs), N is A + B.

diffs([_], []).
diffs([A, B|T], [D|Ds]) :- D is B - A, diffs([B|T], Ds).
ratios([_], []).
ratios([A, B|T], [Q|Qs]) :- 0 =:= B mod A, Q is B // A, ratios([B|T], Qs).
all_same([D|Ds], D) :- length(Ds, N), N >= 1, maplist(==(D), Ds).
fibs([A, B, C|T]) :- !, C =:= A + B, fibs([B, C|T]).
fibs(_).

first_per_key([], []).
first_per_key([K-G-S|T], [K-G-S|R]) :-
    exclude([K2-_-_]>>(K2 == K), T, T2),
    first_per_key(T2, R).
