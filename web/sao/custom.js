/* This file is part of OSSIS.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms.

   Corrections of the Tryton web client (sao), loaded after it.

   A selection field shows the first of its options for an instant each time
   the form is displayed again: sao rebuilds the options at once but selects
   the record's value only in a later turn of the browser.  A form saved in
   that instant stores the first option instead of the value on screen, as
   when a clerk types in a text field and presses Enter or clicks Save
   straight away (the text field's change displays the form again).  The
   record's value is selected together with the new options here. */
(function() {
    'use strict';
    var Selection = Sao.View.Form.Selection;
    var set_selection = Selection.prototype.set_selection;

    Selection.prototype.set_selection = function(selection, help) {
        set_selection.call(this, selection, help);
        var record = this.record, field = this.field;
        if (!record || !field || this.select.prop('multiple')) {
            return;
        }
        var value = field.get(record);
        if (value !== undefined) {
            this.select.val(JSON.stringify(value));
        }
    };
}());

/* A file is downloaded through a dialog that takes the focus and, as it
   closes, leaves it nowhere, even when another dialog is still open: after
   Submit and Print in the quick intake, the clerk would have to click back
   into the screen before typing the next applicant.  The focus goes back to
   the dialog underneath, to the field it had or else its first field. */
(function() {
    'use strict';
    var download_file = Sao.common.download_file;

    Sao.common.download_file = function(data, name, options) {
        var focused = document.activeElement;
        // The download's dialog is the next to close
        jQuery(document).one('hidden.bs.modal', function() {
            var under = jQuery('.modal:visible').last();
            if (!under.length) {
                return;
            }
            var modal = under.data('bs.modal');
            if (modal) {
                modal.enforceFocus();
            }
            if (focused && jQuery.contains(under[0], focused)) {
                focused.focus();
            } else {
                under.find('input:visible:not([readonly]):first').focus();
            }
        });
        return download_file.call(this, data, name, options);
    };
}());

/* sao 8.0 titles the preferences dialog with an English "Preferences" that
   it does not translate (window.js): the title is translated here, from
   web/sao/locale/<lang>.po. */
(function() {
    'use strict';
    var add_title = Sao.Dialog.prototype.add_title;

    Sao.Dialog.prototype.add_title = function(title, small) {
        if (title === 'Preferences') {
            title = Sao.i18n.gettext('Preferences');
        }
        return add_title.call(this, title, small);
    };
}());

/* A click on a bar of a chart whose x axis is not a date (a unit, a state,
   a service) opened nothing and raised an error in the browser: billboard
   gives the index of the category clicked where sao looks for its label.
   The label at that index is looked up here, so that the click opens the
   records behind the bar (the "graph_open" keyword), as it does on a chart
   of dates. */
(function() {
    'use strict';
    var Chart = Sao.View.Graph.Chart;
    var update_data = Chart.prototype.update_data;
    var action_key = Chart.prototype._action_key;

    Chart.prototype.update_data = function(group) {
        return update_data.call(this, group).then(data => {
            this._labels = data.columns[0].slice(1);
            return data;
        });
    };

    Chart.prototype._action_key = function(data) {
        var type = this.view.screen.model.fields[this.xfield.name]
            .description.type;
        if ((type != 'date') && (type != 'datetime')
                && (typeof data.x == 'number') && this._labels) {
            return this._labels[data.x];
        }
        return action_key.call(this, data);
    };
}());
